import type { Reply } from '../fixtures/diff-client.js';

/** Commands whose reply order Redis leaves to its hash tables: compared as sorted multisets. */
const UNORDERED = new Set(['smembers', 'sunion', 'sinter', 'sdiff', 'keys']);
/**
 * Commands whose reply is random, or a payload in our own format (DUMP): only its shape (type
 * and length of collections) is compared.
 */
const RANDOM = new Set(['spop', 'srandmember', 'hrandfield', 'randomkey', 'dump']);

/** Times relative to when each server ran the command. */
const TIMES = new Set(['ttl', 'pttl', 'expiretime', 'pexpiretime']);

function sortReplies(items: Reply[]): Reply[] {
  return [...items].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}

function shape(r: Reply): string {
  if (r.t === 'null') return 'null';
  if (Array.isArray(r.v)) return `${r.t}(${r.v.length})`;
  return r.t === 'error' ? `error:${r.v}` : r.t;
}

/**
 * Makes a reply comparable across servers, changing only what is legitimately
 * nondeterministic: unordered collections, random picks, SCAN cursors, TTL rounding.
 */
export function normalize(command: readonly string[], reply: Reply): string {
  const name = command[0]!.toLowerCase();
  if (RANDOM.has(name)) return shape(reply);
  if (UNORDERED.has(name) && (reply.t === 'array' || reply.t === 'set')) {
    return JSON.stringify({ t: reply.t, v: sortReplies(reply.v) });
  }
  if (TIMES.has(name) && reply.t === 'int' && Number(reply.v) >= 0) {
    // The servers set the TTL a few milliseconds apart: any rounding can differ by one.
    return JSON.stringify({ t: 'int', v: Number(reply.v) > 0 ? 'positive' : reply.v });
  }
  if ((name === 'scan' || name === 'sscan' || name === 'hscan') && reply.t === 'array') {
    const [cursor, items] = reply.v as [Reply, Reply];
    const elements = items.t === 'array' ? items.v : [];
    const done = cursor.t === 'bulk' && cursor.v === '0';
    return JSON.stringify({ done, v: sortReplies(elements) });
  }
  return JSON.stringify(reply);
}
