import { isKeyword } from '../../commands/args.js';

/**
 * The access each key of a command needs from a key pattern, after Redis 7.0's key specs:
 * 'R' (the command reads the value: %R~), 'W' (inserts, updates or deletes: %W~), 'RW' both,
 * '' neither (EXISTS, TYPE, TTL... only need a matching pattern). One entry per key spec; the
 * last entry also covers the keys after it. Commands not listed need 'R' when readonly and 'W'
 * when write. Approximation: a key spec is mapped by position, not by Redis's begin_search.
 */
const KEY_ACCESS: Record<string, readonly string[]> = {};

function declare(access: readonly string[], names: string): void {
  for (const name of names.split(' ')) KEY_ACCESS[name] = access;
}

declare(
  ['RW'],
  'blmpop blpop brpop bzmpop bzpopmax bzpopmin decr decrby getdel getex getset hincrby ' +
    'hincrbyfloat incr incrby incrbyfloat lmpop lpop move rpop setbit spop zincrby zmpop zpopmax ' +
    'zpopmin',
);
declare(
  [''],
  'exists hexists hlen hstrlen llen memory|usage object|encoding object|freq object|idletime ' +
    'object|refcount scard sismember strlen touch type watch xlen zcard',
);
declare(
  ['W', 'R'],
  'bitop geosearchstore sdiffstore sinterstore sunionstore zdiffstore zinterstore zrangestore ' +
    'zunionstore',
);
declare(['RW', 'W'], 'blmove brpoplpush lmove rename renamenx rpoplpush smove');
declare(['RW', 'R'], 'pfmerge');
declare(['R', 'W'], 'copy georadius georadiusbymember sort');
// XREADGROUP is a write command whose key spec only reads.
declare(['R'], 'sort_ro xreadgroup');

/** SET ... GET and BITFIELD with a SET/INCRBY operation also read (Redis's variable flags). */
function variableAccess(fullName: string, argv: readonly string[]): string | undefined {
  if (fullName === 'set') return argv.slice(3).some((a) => isKeyword(a, 'GET')) ? 'RW' : 'W';
  if (fullName === 'bitfield') {
    const writes = argv.slice(2).some((a) => isKeyword(a, 'SET') || isKeyword(a, 'INCRBY'));
    return writes ? 'RW' : 'R';
  }
  return undefined;
}

/** The access the `nth` key of the command needs. */
export function keyAccess(
  fullName: string,
  isWrite: boolean,
  argv: readonly string[],
  nth: number,
): string {
  const variable = variableAccess(fullName, argv);
  if (variable !== undefined) return variable;
  const access = KEY_ACCESS[fullName];
  if (access) return access[Math.min(nth, access.length - 1)]!;
  return isWrite ? 'W' : 'R';
}
