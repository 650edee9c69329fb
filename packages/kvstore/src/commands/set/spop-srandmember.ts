import { CommandError } from '../../command-error.js';
import { parseInteger, syntaxError } from '../args.js';
import { defineCommand } from '../define.js';
import { ensureReplyFits, parseRandomCount } from '../reply-budget.js';
import { randomSample } from './random-sample.js';
import { readSet, replyMembers } from './set-value.js';

export const spop = defineCommand({
  name: 'spop',
  arity: -2,
  flags: ['write', 'fast'],
  keys: [1, 1, 1],
  group: 'set',
  summary: 'Remove and return one or multiple random members from a set',
  since: '1.0.0',
  handler(ctx) {
    const { argv, reply } = ctx;
    if (argv.length > 3) throw syntaxError();
    const key = argv[1]!;
    let count: number | undefined;
    if (argv.length === 3) {
      count = parseInteger(argv[2]!, 'ERR value is out of range, must be positive');
      if (count < 0) throw new CommandError('ERR value is out of range, must be positive');
    }
    const set = readSet(ctx, key, true);
    if (!set) {
      if (count === undefined) reply.nullBulk();
      else reply.setHeader(0);
      return;
    }
    const popped =
      count === undefined ? [set.random()!] : randomSample(set.members, count, () => set.ordered());
    if (popped.length === 0) {
      replyMembers(ctx, popped);
      return;
    }
    for (const member of popped) set.delete(member);
    ctx.notify('set', 'spop', key);
    if (set.size === 0) {
      ctx.db.delete(key);
      ctx.notify('generic', 'del', key);
    }
    ctx.signalModifiedKey(key);
    // Random choices are logged as what was removed, so replaying the AOF is exact.
    ctx.propagate(
      set.size === 0 && popped.length > 0 ? [['DEL', key]] : [['SREM', key, ...popped]],
    );
    if (count === undefined) reply.bulk(popped[0]);
    else replyMembers(ctx, popped);
  },
});

export const srandmember = defineCommand({
  name: 'srandmember',
  arity: -2,
  flags: ['readonly'],
  keys: [1, 1, 1],
  group: 'set',
  summary: 'Get one or multiple random members from a set',
  since: '1.0.0',
  handler(ctx) {
    const { argv, reply } = ctx;
    if (argv.length > 3) throw syntaxError();
    const count = argv.length === 3 ? parseRandomCount(argv[2]!, false) : undefined;
    const set = readSet(ctx, argv[1]!);
    if (count === undefined) {
      reply.bulk(set ? set.random()! : null);
      return;
    }
    if (!set || count === 0) {
      reply.arrayHeader(0);
      return;
    }
    if (count < 0) ensureReplyFits(ctx, -count);
    reply.bulkArray(randomSample(set.members, count, () => set.ordered()));
  },
});
