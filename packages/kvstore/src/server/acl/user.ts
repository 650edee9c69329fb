import { createHash } from 'node:crypto';
import { globMatch } from '../../glob.js';
import type { AclCommand, AclCommandIndex } from './command-index.js';

/** A key pattern with its permissions (`~p` both, `%R~p` read, `%W~p` write). */
export interface KeyPattern {
  readonly pattern: string;
  read: boolean;
  write: boolean;
}

/** Why SETUSER rejected a rule; the message follows "Error in ACL SETUSER modifier '<rule>': ". */
export class AclRuleError extends Error {}

const SYNTAX = 'Syntax error';
const UNKNOWN = 'Unknown command or category name in ACL';
const NO_SUCH_PASSWORD = 'The password you are trying to remove from the user does not exist';
const BAD_HASH =
  'The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters';
const afterStar = (what: 'keys' | 'channels', flag: string) =>
  `Adding a pattern after the * pattern (or the '${flag}' flag) is not valid and does not have any effect. Try 'reset${what}' to start with an empty list of ${what === 'keys' ? 'patterns' : 'channels'}`;

export function sha256Hex(password: string): string {
  return createHash('sha256').update(password, 'latin1').digest('hex');
}

/**
 * An ACL user as Redis 7.0 keeps it (root selector only): flags, password hashes, key and
 * channel patterns, and the set of allowed commands by full name ('get', 'config|get'), plus
 * Redis's "future commands" bit that only +@all sets and -@all clears.
 */
export class AclUser {
  enabled = false;
  nopass = false;
  sanitize: '' | 'sanitize-payload' | 'skip-sanitize-payload' = '';
  passwords: string[] = [];
  allKeys = false;
  keys: KeyPattern[] = [];
  allChannels = false;
  channels: string[] = [];
  allCommands = false;
  allowed = new Set<string>();
  /** +select|0: arguments allowed for a command that is otherwise denied. */
  firstArgs = new Map<string, string[]>();
  /** Not allowed everything: the dispatcher checks this user's commands. */
  restricted = true;

  constructor(
    readonly name: string,
    private readonly index: AclCommandIndex,
  ) {}

  clone(): AclUser {
    const copy = new AclUser(this.name, this.index);
    copy.copyFrom(this);
    return copy;
  }

  copyFrom(other: AclUser): void {
    this.enabled = other.enabled;
    this.nopass = other.nopass;
    this.sanitize = other.sanitize;
    this.passwords = [...other.passwords];
    this.allKeys = other.allKeys;
    this.keys = other.keys.map((k) => ({ ...k }));
    this.allChannels = other.allChannels;
    this.channels = [...other.channels];
    this.allCommands = other.allCommands;
    this.allowed = new Set(other.allowed);
    this.firstArgs = new Map([...other.firstArgs].map(([k, v]) => [k, [...v]]));
    this.restricted = other.restricted;
  }

  /** Applies one rule; throws AclRuleError with Redis's reason. */
  apply(rule: string, pubsubDefault: 'allchannels' | 'resetchannels'): void {
    this.applyRule(rule, pubsubDefault);
    this.restricted = !(
      this.allKeys &&
      this.allChannels &&
      this.allowed.size === this.index.all.length
    );
  }

  private applyRule(rule: string, pubsubDefault: 'allchannels' | 'resetchannels'): void {
    const lower = rule.toLowerCase();
    switch (lower) {
      case 'on':
        this.enabled = true;
        return;
      case 'off':
        this.enabled = false;
        return;
      case 'nopass':
        this.nopass = true;
        this.passwords = [];
        return;
      case 'resetpass':
        this.nopass = false;
        this.passwords = [];
        return;
      case 'skip-sanitize-payload':
      case 'sanitize-payload':
        this.sanitize = lower;
        return;
      case 'allkeys':
      case '~*':
        this.allKeys = true;
        this.keys = [];
        return;
      case 'resetkeys':
        this.allKeys = false;
        this.keys = [];
        return;
      case 'allchannels':
      case '&*':
        this.allChannels = true;
        this.channels = [];
        return;
      case 'resetchannels':
        this.allChannels = false;
        this.channels = [];
        return;
      case 'allcommands':
      case '+@all':
        this.allCommands = true;
        this.allowed = new Set(this.index.all.map((c) => c.fullName));
        this.firstArgs.clear();
        return;
      case 'nocommands':
      case '-@all':
        this.allCommands = false;
        this.allowed.clear();
        this.firstArgs.clear();
        return;
      case 'clearselectors':
        return;
      case 'reset':
        for (const step of ['resetpass', 'resetkeys', 'resetchannels', 'off', '-@all']) {
          this.applyRule(step, pubsubDefault);
        }
        if (pubsubDefault === 'allchannels') this.applyRule('allchannels', pubsubDefault);
        this.sanitize = 'sanitize-payload';
        return;
    }
    const op = rule[0];
    const rest = rule.slice(1);
    if (op === '>') this.addPassword(sha256Hex(rest));
    else if (op === '#') this.addPassword(validHash(rest));
    else if (op === '<') this.removePassword(sha256Hex(rest));
    else if (op === '!') this.removePassword(validHash(rest));
    else if (op === '~') this.addKeyPattern(rest, true, true);
    else if (op === '%') this.percentRule(rest);
    else if (op === '&') this.addChannel(rest);
    else if ((op === '+' || op === '-') && rest[0] === '@') {
      const members = this.index.category(rest.slice(1).toLowerCase());
      if (!members) throw new AclRuleError(UNKNOWN);
      for (const command of members) this.setPermission(command, op === '+');
    } else if (op === '+' || op === '-') this.commandRule(rest, op === '+');
    else throw new AclRuleError(SYNTAX);
  }

  private addPassword(hash: string): void {
    this.nopass = false;
    if (!this.passwords.includes(hash)) this.passwords.push(hash);
  }

  private removePassword(hash: string): void {
    const at = this.passwords.indexOf(hash);
    if (at < 0) throw new AclRuleError(NO_SUCH_PASSWORD);
    this.passwords.splice(at, 1);
    this.nopass = false;
  }

  /** `%R~pattern`, `%W~pattern`, `%RW~pattern` (the `%` already removed). */
  private percentRule(text: string): void {
    let read = false;
    let write = false;
    let at = 0;
    for (; at < text.length; at++) {
      const c = text[at]!.toUpperCase();
      if (c === 'R') read = true;
      else if (c === 'W') write = true;
      else if (c === '~') {
        at++;
        break;
      } else throw new AclRuleError(SYNTAX);
    }
    if (!read && !write) throw new AclRuleError(SYNTAX);
    this.addKeyPattern(text.slice(at), read, write);
  }

  private addKeyPattern(pattern: string, read: boolean, write: boolean): void {
    if (this.allKeys) throw new AclRuleError(afterStar('keys', 'allkeys'));
    if (pattern === '*' && read && write) {
      this.allKeys = true;
      this.keys = [];
      return;
    }
    const existing = this.keys.find((k) => k.pattern === pattern);
    if (existing) {
      existing.read ||= read;
      existing.write ||= write;
    } else this.keys.push({ pattern, read, write });
  }

  private addChannel(pattern: string): void {
    if (this.allChannels) throw new AclRuleError(afterStar('channels', 'allchannels'));
    if (pattern === '*') {
      this.allChannels = true;
      this.channels = [];
    } else if (!this.channels.includes(pattern)) this.channels.push(pattern);
  }

  /** `+cmd`, `-cmd`, `+cmd|sub`, `-cmd|sub`, and `+cmd|firstarg` for a command without subcommands. */
  private commandRule(text: string, allow: boolean): void {
    const pipe = text.lastIndexOf('|');
    if (pipe < 0 || !allow) {
      const command = this.index.lookup(text);
      if (!command) throw new AclRuleError(UNKNOWN);
      this.setPermission(command, allow);
      return;
    }
    const parent = this.index.lookup(text.slice(0, pipe));
    if (!parent) throw new AclRuleError(UNKNOWN);
    if (parent.parent)
      throw new AclRuleError('Allowing first-arg of a subcommand is not supported');
    const arg = text.slice(pipe + 1);
    if (arg === '') throw new AclRuleError(SYNTAX);
    if (parent.subcommands) {
      const command = this.index.lookup(text);
      if (!command) throw new AclRuleError(UNKNOWN);
      this.setPermission(command, true);
      return;
    }
    const args = this.firstArgs.get(parent.fullName) ?? [];
    if (!args.includes(arg.toLowerCase())) args.push(arg.toLowerCase());
    this.firstArgs.set(parent.fullName, args);
  }

  /** Redis's ACLChangeSelectorPerm: the command, and all its subcommands for a container. */
  setPermission(command: AclCommand, allow: boolean): void {
    const set = (name: string) => (allow ? this.allowed.add(name) : this.allowed.delete(name));
    set(command.fullName);
    this.firstArgs.delete(command.fullName);
    for (const sub of command.subcommands ?? []) set(sub.fullName);
  }

  /** May run `fullName` (with argv[1] for a first-arg rule)? */
  canRun(fullName: string, argv: readonly string[]): boolean {
    if (this.allowed.has(fullName)) return true;
    const args = this.firstArgs.get(fullName);
    return args !== undefined && argv.length > 1 && args.includes(argv[1]!.toLowerCase());
  }

  /** A key pattern grants the access (read and/or write) asked for? */
  canAccessKey(key: string, read: boolean, write: boolean): boolean {
    if (this.allKeys) return true;
    for (const p of this.keys) {
      if ((read && !p.read) || (write && !p.write)) continue;
      if (globMatch(p.pattern, key)) return true;
    }
    return false;
  }

  /** Channels match the patterns as globs; a PSUBSCRIBE pattern must equal one literally. */
  canAccessChannel(channel: string, isPattern: boolean): boolean {
    if (this.allChannels) return true;
    return this.channels.some((p) => (isPattern ? p === channel : globMatch(p, channel)));
  }

  /** Flags as ACL GETUSER and ACL LIST show them. */
  flags(): string[] {
    const out = [this.enabled ? 'on' : 'off'];
    if (this.nopass) out.push('nopass');
    if (this.sanitize) out.push(this.sanitize);
    return out;
  }

  keysText(): string {
    if (this.allKeys) return '~*';
    return this.keys
      .map((k) => `${k.read && k.write ? '' : k.read ? '%R' : '%W'}~${k.pattern}`)
      .join(' ');
  }

  channelsText(): string {
    if (this.allChannels) return '&*';
    return this.channels.map((c) => `&${c}`).join(' ');
  }

  /**
   * Redis 7.0's ACLDescribeSelectorCommandRules: start from +@all or -@all, then repeatedly emit
   * the category with the fewest differences from the commands not yet covered (ties: the most
   * in common; it must have more in common than different), then fix single commands. Redis
   * walks single commands in its hash table's (random) order; we walk the command table's.
   */
  commandsText(): string {
    const additive = !this.allCommands;
    const fake = new AclUser('', this.index);
    fake.applyRule(additive ? '-@all' : '+@all', 'resetchannels');
    /** The user's bits with the emitted categories reversed, as Redis's temp selector. */
    const rest = new Set(this.allowed);
    const rules = [additive ? '-@all' : '+@all'];
    for (;;) {
      let best: string | undefined;
      let minDiff = Number.POSITIVE_INFINITY;
      let maxSame = 0;
      for (const name of this.index.categoryNames) {
        const members = this.index.category(name)!;
        let on = 0;
        for (const command of members) if (rest.has(command.fullName)) on++;
        const off = members.length - on;
        const diff = additive ? off : on;
        const same = additive ? on : off;
        if (same > diff && (diff < minDiff || (diff === minDiff && same > maxSame))) {
          best = name;
          minDiff = diff;
          maxSame = same;
        }
      }
      if (best === undefined) break;
      const rule = `${additive ? '+' : '-'}@${best}`;
      fake.applyRule(rule, 'resetchannels');
      for (const command of this.index.category(best)!) {
        for (const c of [command, ...(command.subcommands ?? [])]) {
          if (additive) rest.delete(c.fullName);
          else rest.add(c.fullName);
        }
      }
      rules.push(rule);
    }
    const fix = (command: AclCommand) => {
      const has = this.allowed.has(command.fullName);
      if (has !== fake.allowed.has(command.fullName)) {
        rules.push(`${has ? '+' : '-'}${command.fullName}`);
        fake.setPermission(command, has);
      }
      for (const sub of command.subcommands ?? []) fix(sub);
      if (!has) {
        for (const arg of this.firstArgs.get(command.fullName) ?? [])
          rules.push(`+${command.fullName}|${arg}`);
      }
    };
    for (const command of this.index.topLevel) fix(command);
    return rules.join(' ');
  }

  /** The ACL LIST / aclfile line. */
  describe(): string {
    const parts = [`user ${this.name}`, ...this.flags(), ...this.passwords.map((h) => `#${h}`)];
    const keys = this.keysText();
    if (keys) parts.push(keys);
    if (this.allChannels) parts.push('&*');
    else parts.push('resetchannels', ...this.channels.map((c) => `&${c}`));
    parts.push(this.commandsText());
    return parts.join(' ');
  }
}

function validHash(hash: string): string {
  if (!/^[0-9a-f]{64}$/.test(hash)) throw new AclRuleError(BAD_HASH);
  return hash;
}
