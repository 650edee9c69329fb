import { CommandError } from '../../command-error.js';
import { internals } from '../../server/context.js';
import { lruIdleSeconds } from '../../server/eviction.js';
import { parseFloatArg } from '../args.js';
import { replyHelp } from '../connection/client.js';
import { defineCommand } from '../define.js';
import { encodingOf } from '../keys/object.js';
import { dumpPayload } from '../keys/dump-restore.js';

const NOT_ALLOWED =
  'ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.';

/** Blocks the event loop, as Redis's DEBUG SLEEP blocks its main thread. */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export const debug = defineCommand({
  name: 'debug',
  arity: -2,
  flags: ['admin', 'noscript', 'loading', 'stale'],
  group: 'server',
  summary: 'A container for debugging commands',
  since: '1.0.0',
  handler(ctx) {
    const { server, client } = internals(ctx);
    const allowed = server.config.get('enable-debug-command');
    const local =
      !client.conn ||
      client.conn.transport === 'unix' ||
      /^(127\.|::1|::ffff:127\.)/.test(client.conn.remoteAddress);
    if (allowed === 'no' || (allowed === 'local' && !local)) throw new CommandError(NOT_ALLOWED);
    const { argv, reply } = ctx;
    const sub = argv[1]!.toUpperCase();
    switch (sub) {
      case 'SLEEP': {
        sleepSync(Math.max(0, parseFloatArg(argv[2] ?? '0') * 1000));
        reply.ok();
        return;
      }
      case 'RELOAD':
        server.persistence.reload();
        reply.ok();
        return;
      case 'SET-ACTIVE-EXPIRE':
        server.activeExpireEnabled = argv[2] !== '0';
        reply.ok();
        return;
      case 'OBJECT': {
        const entry = ctx.db.peek(argv[2] ?? '');
        if (!entry) throw new CommandError('ERR no such key');
        reply.simple(
          `Value at:0x${entry.mem.toString(16).padStart(12, '0')} refcount:1 encoding:${encodingOf(entry)} serializedlength:${dumpPayload(entry).length} lru:${entry.lru & 0xffffff} lru_seconds_idle:${lruIdleSeconds(entry.lru)}`,
        );
        return;
      }
      case 'CHANGE-REPL-ID':
      case 'QUICKLIST-PACKED-THRESHOLD':
      case 'STRINGMATCH-LEN':
        reply.ok();
        return;
      case 'HELP':
        replyHelp(ctx, 'DEBUG', [
          'OBJECT <key>',
          '    Show low level info about the value of <key>.',
          'RELOAD',
          '    Save the dataset on disk and reload it.',
          'SET-ACTIVE-EXPIRE <0|1>',
          '    Switch the active expiry cycle off or on.',
          'SLEEP <seconds>',
          '    Stop the server for <seconds>. Decimals allowed.',
        ]);
        return;
      default:
        throw new CommandError(
          `ERR unknown subcommand or wrong number of arguments for '${argv[1]}'. Try DEBUG HELP.`,
        );
    }
  },
});
