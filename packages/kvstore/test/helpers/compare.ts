import { type Pair, show } from '../fixtures/diff-client.js';
import { normalize } from './normalize.js';

/**
 * Sends each command to both servers in order (pipelined) and lists every command whose
 * normalized replies differ, with both replies.
 */
export async function compareWithRedis(pair: Pair, commands: string[][]): Promise<string[]> {
  const [theirs, ours] = await Promise.all([
    Promise.all(commands.map((c) => pair.redis.send(...c))),
    Promise.all(commands.map((c) => pair.ours.send(...c))),
  ]);
  const out: string[] = [];
  commands.forEach((command, i) => {
    if (normalize(command, theirs[i]!) !== normalize(command, ours[i]!)) {
      out.push(
        `#${i} ${command.join(' ')}\n    redis: ${show(theirs[i]!)}\n    ours:  ${show(ours[i]!)}`,
      );
    }
  });
  return out;
}
