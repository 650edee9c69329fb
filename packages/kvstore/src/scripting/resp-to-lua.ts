import { type LuaVm, LuaType } from './lua-vm.js';

/**
 * Redis's conversion of a command's reply into a Lua value (script.c/script_lua.c
 * redisProtocolToLuaType), read straight from the RESP bytes the command wrote: the reply the
 * script gets is exactly what a client would have received.
 *
 * RESP2: integer -> number, bulk -> string, array -> table (1-based), status -> {ok=s},
 * error -> {err=s}, null bulk and null array -> false.
 * RESP3 (after redis.setresp(3)): map -> {map={k=v...}}, set -> {set={member=true...}},
 * null -> nil, boolean -> boolean, double -> {double=n}, big number -> {big_number=s},
 * verbatim -> {verbatim_string={format=f, string=s}}; attributes are skipped.
 */
export class RespToLua {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;

  constructor(private readonly vm: LuaVm) {}

  /** Pushes the one reply in `buf` onto the Lua stack. */
  push(buf: Buffer): void {
    this.buf = buf;
    this.pos = 0;
    this.value();
  }

  /** The error text of an error reply (without '-'), or undefined when `buf` is not one. */
  static errorText(buf: Buffer): string | undefined {
    if (buf[0] !== 0x2d) return undefined;
    return buf.toString('latin1', 1, buf.indexOf('\r\n'));
  }

  private line(): string {
    const end = this.buf.indexOf('\r\n', this.pos);
    const text = this.buf.toString('latin1', this.pos + 1, end);
    this.pos = end + 2;
    return text;
  }

  private bytes(n: number): string {
    const text = this.buf.toString('latin1', this.pos, this.pos + n);
    this.pos += n + 2;
    return text;
  }

  private value(): void {
    const vm = this.vm;
    const kind = this.buf[this.pos];
    const line = this.line();
    switch (kind) {
      case 0x3a: // : integer
        vm.pushNumber(Number(line));
        return;
      case 0x24: {
        // $ bulk
        const n = Number(line);
        if (n < 0) vm.pushBoolean(false);
        else vm.pushString(this.bytes(n));
        return;
      }
      case 0x2b: // + status
        this.wrapped('ok', () => vm.pushString(line));
        return;
      case 0x2d: // - error
        this.wrapped('err', () => vm.pushString(line));
        return;
      case 0x2a: {
        // * array
        const n = Number(line);
        if (n < 0) {
          vm.pushBoolean(false);
          return;
        }
        vm.newTable(n, 0);
        for (let i = 1; i <= n; i++) {
          this.value();
          vm.setIndex(-2, i);
        }
        return;
      }
      case 0x3e: {
        // > push: as an array
        const n = Number(line);
        vm.newTable(n, 0);
        for (let i = 1; i <= n; i++) {
          this.value();
          vm.setIndex(-2, i);
        }
        return;
      }
      case 0x25: {
        // % map
        const n = Number(line);
        this.wrapped('map', () => {
          vm.newTable(0, n);
          for (let i = 0; i < n; i++) {
            this.value();
            this.value();
            this.rawSet();
          }
        });
        return;
      }
      case 0x7e: {
        // ~ set
        const n = Number(line);
        this.wrapped('set', () => {
          vm.newTable(0, n);
          for (let i = 0; i < n; i++) {
            this.value();
            vm.pushBoolean(true);
            this.rawSet();
          }
        });
        return;
      }
      case 0x5f: // _ null
        vm.pushNil();
        return;
      case 0x23: // # boolean
        vm.pushBoolean(line === 't');
        return;
      case 0x2c: // , double
        this.wrapped('double', () => vm.pushNumber(parseRespDouble(line)));
        return;
      case 0x28: // ( big number
        this.wrapped('big_number', () => vm.pushString(line));
        return;
      case 0x3d: {
        // = verbatim
        const text = this.bytes(Number(line));
        this.wrapped('verbatim_string', () => {
          vm.newTable(0, 2);
          vm.pushString(text.slice(0, 3));
          vm.setField(-2, 'format');
          vm.pushString(text.slice(4));
          vm.setField(-2, 'string');
        });
        return;
      }
      case 0x7c: {
        // | attribute: skipped, the value follows
        const n = Number(line);
        for (let i = 0; i < 2 * n; i++) {
          this.value();
          vm.pop(1);
        }
        this.value();
        return;
      }
      default:
        throw new Error(`unexpected reply type ${String.fromCharCode(kind ?? 0)}`);
    }
  }

  /** Pushes {field = <value pushed by fill>}. */
  private wrapped(field: string, fill: () => void): void {
    this.vm.newTable(0, 1);
    fill();
    this.vm.setField(-2, field);
  }

  /** t[key] = value with t, key, value on the top of the stack (pops key and value). */
  private rawSet(): void {
    const vm = this.vm;
    if (vm.type(-2) === LuaType.nil) {
      vm.pop(2);
      return;
    }
    vm.rawSetTop();
  }
}

/** RESP3 doubles: inf, -inf, nan as Redis writes them. */
function parseRespDouble(text: string): number {
  if (text === 'inf') return Number.POSITIVE_INFINITY;
  if (text === '-inf') return Number.NEGATIVE_INFINITY;
  if (text === 'nan' || text === '-nan') return Number.NaN;
  return Number(text);
}
