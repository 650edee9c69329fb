import { formatDouble } from '../../protocol/numbers.js';
import { LuaError, LuaType, type LuaVm } from '../lua-vm.js';
import { argError, luaTypeName, pushLibrary } from './lib-args.js';

/**
 * `cjson` as Redis bundles it (lua-cjson 2.1 with Redis's defaults): numbers printed with
 * %.14g, an empty table encodes as `{}`, a table is an array when all its keys are integers
 * >= 1 and it is not excessively sparse (more than twice as many slots as items, past 10
 * slots, is an error), `/` is escaped, bytes >= 0x80 pass through, nesting stops at 1000.
 * `cjson.null` is a NULL light userdata. Strings are bytes (latin1 JS strings).
 */
const MAX_DEPTH = 1000;

const ESCAPES: Record<number, string> = {
  34: '\\"',
  92: '\\\\',
  47: '\\/',
  8: '\\b',
  12: '\\f',
  10: '\\n',
  13: '\\r',
  9: '\\t',
};

function escapeString(text: string): string {
  let out = '"';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c !== 0x22 && c !== 0x5c && c !== 0x2f && c !== 0x7f) continue;
    out += text.slice(from, i) + (ESCAPES[c] ?? `\\u00${c.toString(16).padStart(2, '0')}`);
    from = i + 1;
  }
  return `${out}${text.slice(from)}"`;
}

function encodeNumber(n: number): string {
  if (!Number.isFinite(n)) throw new LuaError('Cannot serialise number: must not be NaN or Inf');
  return formatDouble(n, 14);
}

/** lua_array_length: the array length, or -1 when the table is an object. */
function arrayLength(vm: LuaVm): number {
  let max = 0;
  let items = 0;
  vm.pushNil();
  while (vm.next(-2)) {
    if (vm.type(-2) === LuaType.number) {
      const k = vm.toNumber(-2);
      if (Math.floor(k) === k && k >= 1) {
        if (k > max) max = k;
        items++;
        vm.pop(1);
        continue;
      }
    }
    vm.pop(2);
    return -1;
  }
  if (max > items * 2 && max > 10) {
    throw new LuaError('Cannot serialise table: excessively sparse array');
  }
  return max;
}

/** Encodes the value on the top of the stack (left there). */
function encodeValue(vm: LuaVm, depth: number): string {
  switch (vm.type(-1)) {
    case LuaType.string:
      return escapeString(vm.toString(-1)!);
    case LuaType.number:
      return encodeNumber(vm.toNumber(-1));
    case LuaType.boolean:
      return vm.toBoolean(-1) ? 'true' : 'false';
    case LuaType.nil:
      return 'null';
    case LuaType.lightuserdata:
      if (vm.toUserdata(-1) === 0) return 'null';
      break;
    case LuaType.table:
      return encodeTable(vm, depth + 1);
  }
  throw new LuaError(`Cannot serialise ${luaTypeName(vm, -1)}: type not supported`);
}

function encodeTable(vm: LuaVm, depth: number): string {
  if (depth > MAX_DEPTH) throw new LuaError(`Cannot serialise, excessive nesting (${depth})`);
  const length = arrayLength(vm);
  const parts: string[] = [];
  if (length > 0) {
    for (let i = 1; i <= length; i++) {
      vm.getIndex(-1, i);
      parts.push(encodeValue(vm, depth));
      vm.pop(1);
    }
    return `[${parts.join(',')}]`;
  }
  vm.pushNil();
  while (vm.next(-2)) {
    const keyType = vm.type(-2);
    let key: string;
    if (keyType === LuaType.string) key = escapeString(vm.toString(-2)!);
    else if (keyType === LuaType.number) key = `"${encodeNumber(vm.toNumber(-2))}"`;
    else {
      throw new LuaError(
        `Cannot serialise ${luaTypeName(vm, -2)}: table key must be a number or string`,
      );
    }
    parts.push(`${key}:${encodeValue(vm, depth)}`);
    vm.pop(1);
  }
  return `{${parts.join(',')}}`;
}

// ---- decoding ----

interface Token {
  type: string;
  index: number;
  value?: string | number | boolean;
}

/** A JSON decoder with lua-cjson's tokens and error texts. */
class Decoder {
  private pos = 0;
  private depth = 0;

  constructor(
    private readonly vm: LuaVm,
    private readonly text: string,
  ) {}

  decode(): void {
    const token = this.next();
    this.value(token);
    const end = this.next();
    if (end.type !== 'T_END') this.fail('the end', end);
  }

  private fail(expected: string, token: Token): never {
    const found = token.type === 'T_ERROR' ? String(token.value) : token.type;
    throw new LuaError(`Expected ${expected} but found ${found} at character ${token.index + 1}`);
  }

  private value(token: Token): void {
    const vm = this.vm;
    switch (token.type) {
      case 'T_OBJ_BEGIN':
        this.object();
        return;
      case 'T_ARR_BEGIN':
        this.array();
        return;
      case 'T_STRING':
        vm.pushString(token.value as string);
        return;
      case 'T_NUMBER':
        vm.pushNumber(token.value as number);
        return;
      case 'T_BOOLEAN':
        vm.pushBoolean(token.value as boolean);
        return;
      case 'T_NULL':
        vm.pushLightUserdata(0);
        return;
      default:
        this.fail('value', token);
    }
  }

  private nest(token: Token): void {
    if (++this.depth > MAX_DEPTH) {
      throw new LuaError(
        `Found too many nested data structures (${this.depth}) at character ${token.index + 1}`,
      );
    }
  }

  private object(): void {
    const vm = this.vm;
    this.nest({ type: 'T_OBJ_BEGIN', index: this.pos - 1 });
    vm.newTable();
    let token = this.next();
    if (token.type === 'T_OBJ_END') {
      this.depth--;
      return;
    }
    for (;;) {
      if (token.type !== 'T_STRING') this.fail('object key string', token);
      vm.pushString(token.value as string);
      token = this.next();
      if (token.type !== 'T_COLON') this.fail('colon', token);
      this.value(this.next());
      vm.rawSetTop();
      token = this.next();
      if (token.type === 'T_OBJ_END') break;
      if (token.type !== 'T_COMMA') this.fail('comma or object end', token);
      token = this.next();
    }
    this.depth--;
  }

  private array(): void {
    const vm = this.vm;
    this.nest({ type: 'T_ARR_BEGIN', index: this.pos - 1 });
    vm.newTable();
    let token = this.next();
    if (token.type === 'T_ARR_END') {
      this.depth--;
      return;
    }
    for (let i = 1; ; i++) {
      this.value(token);
      vm.setIndex(-2, i);
      token = this.next();
      if (token.type === 'T_ARR_END') break;
      if (token.type !== 'T_COMMA') this.fail('comma or array end', token);
      token = this.next();
    }
    this.depth--;
  }

  private next(): Token {
    const text = this.text;
    while (this.pos < text.length && ' \t\n\r'.includes(text[this.pos]!)) this.pos++;
    const index = this.pos;
    if (index >= text.length) return { type: 'T_END', index };
    const c = text[index]!;
    const single: Record<string, string> = {
      '{': 'T_OBJ_BEGIN',
      '}': 'T_OBJ_END',
      '[': 'T_ARR_BEGIN',
      ']': 'T_ARR_END',
      ':': 'T_COLON',
      ',': 'T_COMMA',
    };
    if (single[c]) {
      this.pos++;
      return { type: single[c]!, index };
    }
    if (c === '"') return this.string(index);
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, index)) {
        this.pos += word.length;
        return value === null ? { type: 'T_NULL', index } : { type: 'T_BOOLEAN', index, value };
      }
    }
    const number =
      /^-?(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)/i.exec(
        text.slice(index, index + 400),
      );
    if (number && (c === '-' || (c >= '0' && c <= '9'))) {
      this.pos += number[0].length;
      return {
        type: 'T_NUMBER',
        index,
        value: Number(number[0].replace(/^(-?)inf(inity)?$/i, '$1Infinity')),
      };
    }
    return { type: 'T_ERROR', index, value: 'invalid token' };
  }

  private string(index: number): Token {
    const text = this.text;
    let out = '';
    let i = index + 1;
    for (;;) {
      if (i >= text.length) return { type: 'T_ERROR', index: i, value: 'unexpected end of string' };
      const c = text[i]!;
      if (c === '"') break;
      if (c !== '\\') {
        out += c;
        i++;
        continue;
      }
      const e = text[i + 1];
      const simple: Record<string, string> = {
        '"': '"',
        '\\': '\\',
        '/': '/',
        b: '\b',
        f: '\f',
        n: '\n',
        r: '\r',
        t: '\t',
      };
      if (e !== undefined && simple[e] !== undefined) {
        out += simple[e];
        i += 2;
        continue;
      }
      if (e !== 'u') return { type: 'T_ERROR', index: i, value: 'invalid escape code' };
      let code = Number.parseInt(text.slice(i + 2, i + 6), 16);
      let used = 6;
      if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
        return { type: 'T_ERROR', index: i, value: 'invalid unicode escape code' };
      }
      if (code >= 0xd800 && code < 0xdc00) {
        const low = /^\\u([dD][c-fC-F][0-9a-fA-F]{2})/.exec(text.slice(i + 6, i + 12));
        if (!low) return { type: 'T_ERROR', index: i, value: 'invalid unicode escape code' };
        code = 0x10000 + ((code - 0xd800) << 10) + (Number.parseInt(low[1]!, 16) - 0xdc00);
        used = 12;
      } else if (code >= 0xdc00 && code < 0xe000) {
        return { type: 'T_ERROR', index: i, value: 'invalid unicode escape code' };
      }
      out += Buffer.from(String.fromCodePoint(code), 'utf8').toString('latin1');
      i += used;
    }
    this.pos = i + 1;
    return { type: 'T_STRING', index, value: out };
  }
}

export function pushCjsonLibrary(vm: LuaVm): void {
  pushLibrary(vm, {
    encode(vm) {
      if (vm.top() !== 1) throw argError(1, 'encode', 'expected 1 argument');
      vm.pushString(encodeValue(vm, 0));
      return 1;
    },
    decode(vm) {
      if (vm.top() !== 1) throw argError(1, 'decode', 'expected 1 argument');
      if (vm.type(1) !== LuaType.string && vm.type(1) !== LuaType.number) {
        throw argError(1, 'decode', `string expected, got ${luaTypeName(vm, 1)}`);
      }
      new Decoder(vm, vm.toString(1)!).decode();
      return 1;
    },
  });
  vm.pushLightUserdata(0);
  vm.setField(-2, 'null');
  vm.pushString('cjson');
  vm.setField(-2, '_NAME');
  vm.pushString('2.1.0');
  vm.setField(-2, '_VERSION');
}
