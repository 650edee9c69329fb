import type { ReplyWriter } from '../protocol/reply-writer.js';
import { type LuaVm, LuaType } from './lua-vm.js';

/**
 * Redis's conversion of a script's return value into the client's reply
 * (luaReplyToRedisReply), for the value on the top of the Lua stack (left there):
 * number -> integer (truncated toward zero), string -> bulk, nil -> null,
 * true -> 1 and false -> null (RESP3 booleans after redis.setresp(3)),
 * {err=s} -> error, {ok=s} -> status, {double=n}, {big_number=s}, {verbatim_string={...}},
 * {map={...}}, {set={...}}, any other table -> array of t[1], t[2]... up to the first nil.
 */
export function luaToResp(vm: LuaVm, reply: ReplyWriter, scriptResp: 2 | 3): void {
  switch (vm.type(-1)) {
    case LuaType.string:
      reply.bulk(vm.toString(-1)!);
      return;
    case LuaType.boolean:
      if (scriptResp === 2) {
        if (vm.toBoolean(-1)) reply.integer(1);
        else reply.null();
      } else reply.bool(vm.toBoolean(-1));
      return;
    case LuaType.number:
      reply.integer(truncateToLongLong(vm.toNumber(-1)));
      return;
    case LuaType.table:
      tableToResp(vm, reply, scriptResp);
      return;
    default:
      reply.null();
  }
}

/** C's (long long) cast as x86-64 does it: out of range and NaN give LLONG_MIN. */
function truncateToLongLong(n: number): number | bigint {
  const t = Math.trunc(n);
  if (Number.isSafeInteger(t)) return t;
  if (!(t >= -(2 ** 63) && t < 2 ** 63)) return -9223372036854775808n;
  return BigInt(t);
}

/** Pushes t[field] for the table on the top; returns its type. */
function field(vm: LuaVm, name: string): number {
  return vm.getField(-1, name);
}

function tableToResp(vm: LuaVm, reply: ReplyWriter, scriptResp: 2 | 3): void {
  if (field(vm, 'err') === LuaType.string) {
    reply.error(vm.toString(-1)!);
    vm.pop(1);
    return;
  }
  vm.pop(1);
  if (field(vm, 'ok') === LuaType.string) {
    reply.simple(vm.toString(-1)!.replace(/[\r\n]/g, ' '));
    vm.pop(1);
    return;
  }
  vm.pop(1);
  if (field(vm, 'double') === LuaType.number) {
    reply.double(vm.toNumber(-1));
    vm.pop(1);
    return;
  }
  vm.pop(1);
  if (field(vm, 'big_number') === LuaType.string) {
    reply.bigNumber(vm.toString(-1)!.replace(/[\r\n]/g, ' '));
    vm.pop(1);
    return;
  }
  vm.pop(1);
  if (field(vm, 'verbatim_string') === LuaType.table) {
    const format = vm.getField(-1, 'format') === LuaType.string ? vm.toString(-1) : undefined;
    vm.pop(1);
    const text = vm.getField(-1, 'string') === LuaType.string ? vm.toString(-1) : undefined;
    vm.pop(2);
    if (format !== undefined && text !== undefined) {
      reply.verbatim(text, format.slice(0, 3));
      return;
    }
  } else vm.pop(1);
  if (field(vm, 'map') === LuaType.table) {
    const n = countPairs(vm);
    reply.mapHeader(n);
    vm.pushNil();
    while (vm.next(-2)) {
      vm.pushValue(-2);
      luaToResp(vm, reply, scriptResp);
      vm.pop(1);
      luaToResp(vm, reply, scriptResp);
      vm.pop(1);
    }
    vm.pop(1);
    return;
  }
  vm.pop(1);
  if (field(vm, 'set') === LuaType.table) {
    reply.setHeader(countPairs(vm));
    vm.pushNil();
    while (vm.next(-2)) {
      vm.pop(1);
      luaToResp(vm, reply, scriptResp);
    }
    vm.pop(1);
    return;
  }
  vm.pop(1);
  let n = 0;
  while (vm.getIndex(-1, n + 1) !== LuaType.nil) {
    vm.pop(1);
    n++;
  }
  vm.pop(1);
  reply.arrayHeader(n);
  for (let i = 1; i <= n; i++) {
    vm.getIndex(-1, i);
    luaToResp(vm, reply, scriptResp);
    vm.pop(1);
  }
}

function countPairs(vm: LuaVm): number {
  let n = 0;
  vm.pushNil();
  while (vm.next(-2)) {
    vm.pop(1);
    n++;
  }
  return n;
}
