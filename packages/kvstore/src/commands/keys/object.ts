import { CommandError } from '../../command-error.js';
import type { Entry } from '../../keyspace/entry.js';
import { parseSafeInteger } from '../../protocol/numbers.js';
import { lfuDecrAndReturn, lruIdleSeconds } from '../../server/eviction.js';
import type { StoredValue } from '../../values/types.js';
import { replyHelp } from '../connection/client.js';
import { type CommandDefinition, defineCommand } from '../define.js';
import type { CommandContext, CommandSpec } from '../types.js';

/** OBJECT ENCODING of a string: int, embstr (<= 44 bytes) or raw, as Redis chooses. */
export function stringEncoding(value: string | Buffer): string {
  if (typeof value === 'string' && value.length <= 20 && parseSafeInteger(value) !== undefined)
    return 'int';
  return typeof value === 'string' && value.length <= 44 ? 'embstr' : 'raw';
}

export function encodingOf(entry: Entry): string {
  return entry.type === 'string'
    ? stringEncoding(entry.value as string | Buffer)
    : (entry.value as StoredValue).encoding();
}

const LFU_NOTE =
  'Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.';

function objectSub(
  definition: Omit<CommandDefinition, 'group' | 'flags' | 'keys'>,
  lookup = true,
): CommandSpec {
  return defineCommand({
    flags: ['readonly'],
    keys: [2, 2, 1],
    group: 'generic',
    ...definition,
    handler(ctx) {
      if (!lookup) return definition.handler(ctx);
      // OBJECT does not count as an access: peek leaves LRU/LFU and hit counters alone.
      if (!ctx.db.peek(ctx.argv[2]!)) {
        ctx.reply.nullBulk();
        return;
      }
      definition.handler(ctx);
    },
  });
}

const entryOf = (ctx: CommandContext): Entry => ctx.db.peek(ctx.argv[2]!)!;

const encoding = objectSub({
  name: 'encoding',
  arity: 3,
  summary: 'Inspect the internal encoding of a Redis object',
  since: '2.2.3',
  handler(ctx) {
    ctx.reply.bulk(encodingOf(entryOf(ctx)));
  },
});

const refcount = objectSub({
  name: 'refcount',
  arity: 3,
  summary: 'Get the number of references to the value of the key',
  since: '2.2.3',
  handler(ctx) {
    const entry = entryOf(ctx);
    const policy = ctx.config('maxmemory-policy');
    // Small integers are shared objects in Redis unless an LRU/LFU policy needs per-key clocks.
    const shared =
      entry.type === 'string' &&
      stringEncoding(entry.value as string) === 'int' &&
      Number(entry.value) >= 0 &&
      Number(entry.value) < 10000 &&
      !policy.includes('lru') &&
      !policy.includes('lfu');
    ctx.reply.integer(shared ? 2147483647 : 1);
  },
});

const idletime = objectSub({
  name: 'idletime',
  arity: 3,
  summary: 'Get the time since a Redis object was last accessed',
  since: '2.2.3',
  handler(ctx) {
    if (ctx.config('maxmemory-policy').includes('lfu')) {
      throw new CommandError(
        `ERR An LFU maxmemory policy is selected, idle time not tracked. ${LFU_NOTE}`,
      );
    }
    ctx.reply.integer(lruIdleSeconds(entryOf(ctx).lru));
  },
});

const freq = objectSub({
  name: 'freq',
  arity: 3,
  summary: 'Get the logarithmic access frequency counter of a Redis object',
  since: '4.0.0',
  handler(ctx) {
    if (!ctx.config('maxmemory-policy').includes('lfu')) {
      throw new CommandError(
        `ERR An LFU maxmemory policy is not selected, access frequency not tracked. ${LFU_NOTE}`,
      );
    }
    ctx.reply.integer(lfuDecrAndReturn(entryOf(ctx).lru, Number(ctx.config('lfu-decay-time'))));
  },
});

const help = objectSub(
  {
    name: 'help',
    arity: 2,
    summary: 'Show helpful text about the different subcommands',
    since: '6.2.0',
    handler(ctx) {
      replyHelp(ctx, 'OBJECT', [
        'ENCODING <key>',
        '    Return the kind of internal representation used in order to store the value',
        '    associated with a <key>.',
        'FREQ <key>',
        '    Return the access frequency index of the <key>. The returned integer is',
        '    proportional to the logarithm of the recent access frequency of the key.',
        'IDLETIME <key>',
        '    Return the idle time of the <key>, that is the approximated number of',
        '    seconds elapsed since the last access to the key.',
        'REFCOUNT <key>',
        '    Return the number of references of the value associated with the specified',
        '    <key>.',
      ]);
    },
  },
  false,
);

export const object = defineCommand({
  name: 'object',
  arity: -2,
  flags: [],
  group: 'generic',
  summary: 'A container for object introspection commands',
  since: '2.2.3',
  subcommands: [encoding, refcount, idletime, freq, help],
  handler() {
    /* container */
  },
});
