import { timingSafeEqual } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { CommandError } from '../../command-error.js';
import { keyPositions } from '../../commands/table.js';
import type { CommandTable } from '../../commands/table.js';
import type { CommandSpec } from '../../commands/types.js';
import type { RuntimeConfig } from '../runtime-config.js';
import { AclCommandIndex } from './command-index.js';
import { keyAccess } from './key-access.js';
import { AclRuleError, AclUser, sha256Hex } from './user.js';

/** Why a command was refused, and what: the command's full name, the key or the channel. */
export interface Denial {
  readonly reason: 'command' | 'key' | 'channel';
  readonly object: string;
}

/** One ACL LOG entry; similar denials within a minute are counted in one entry, as in Redis. */
export interface AclLogEntry {
  count: number;
  readonly reason: 'command' | 'key' | 'channel' | 'auth';
  readonly context: 'toplevel' | 'multi' | 'lua';
  readonly object: string;
  readonly username: string;
  createdAt: number;
  clientInfo: string;
}

const LOG_GROUPING_MS = 60_000;

/** Commands whose arguments are channels: where they start, and whether they are patterns. */
const CHANNEL_ARGS: Record<string, { all: boolean; pattern: boolean }> = {
  publish: { all: false, pattern: false },
  subscribe: { all: true, pattern: false },
  psubscribe: { all: true, pattern: true },
};

/** The error a denied command gets (Redis 7.0's texts). */
export function denialError(denial: Denial): string {
  if (denial.reason === 'command')
    return `NOPERM this user has no permissions to run the '${denial.object}' command`;
  return `NOPERM this user has no permissions to access one of the ${denial.reason === 'key' ? 'keys' : 'channels'} used as arguments`;
}

/** ACL DRYRUN's answer for a denied command. */
export function denialText(denial: Denial): string {
  if (denial.reason === 'command')
    return `This user has no permissions to run the '${denial.object}' command`;
  return `This user has no permissions to access the '${denial.object}' ${denial.reason}`;
}

/**
 * The users, by name, and the ACL log. The user `default` always exists; its password is
 * `requirepass` (CONFIG SET requirepass resets it, as in Redis).
 */
export class Acl {
  readonly index: AclCommandIndex;
  readonly users = new Map<string, AclUser>();
  readonly defaultUser: AclUser;
  log: AclLogEntry[] = [];

  constructor(
    table: CommandTable,
    private readonly config: RuntimeConfig,
  ) {
    this.index = new AclCommandIndex(table);
    this.defaultUser = this.initialDefault();
    this.users.set('default', this.defaultUser);
    this.setDefaultPassword(config.get('requirepass'));
    config.onChange('requirepass', (value) => this.setDefaultPassword(value));
  }

  private newUser(name: string): AclUser {
    return new AclUser(name, this.index);
  }

  private get pubsubDefault(): 'allchannels' | 'resetchannels' {
    return this.config.get('acl-pubsub-default') as 'allchannels' | 'resetchannels';
  }

  private setDefaultPassword(password: string): void {
    this.defaultUser.apply('resetpass', 'resetchannels');
    this.defaultUser.apply(password === '' ? 'nopass' : `>${password}`, 'resetchannels');
  }

  /** A new client must authenticate unless `default` is enabled and needs no password. */
  get authRequired(): boolean {
    return !this.defaultUser.nopass || !this.defaultUser.enabled;
  }

  /** Users sorted by name, as Redis's radix tree lists them. */
  sortedUsers(): AclUser[] {
    return [...this.users.values()].sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
  }

  /**
   * ACL SETUSER: applies every rule to a copy, then commits it (all or nothing). Returns the
   * user and its previous state (undefined when created).
   */
  setUser(name: string, rules: readonly string[]): { user: AclUser; before?: AclUser } {
    if (/[ \0]/.test(name))
      throw new CommandError("ERR Usernames can't contain spaces or null characters");
    const existing = this.users.get(name);
    const draft = existing ? existing.clone() : this.newUser(name);
    if (!existing) {
      for (const rule of [
        'resetchannels',
        ...(this.pubsubDefault === 'allchannels' ? ['allchannels'] : []),
      ])
        draft.apply(rule, this.pubsubDefault);
    }
    for (const rule of rules) {
      if (rule.startsWith('(')) {
        throw new CommandError(
          `ERR Error in ACL SETUSER modifier '${rule}': selectors are not supported by this server`,
        );
      }
      try {
        draft.apply(rule, this.pubsubDefault);
      } catch (err) {
        if (!(err instanceof AclRuleError)) throw err;
        throw new CommandError(`ERR Error in ACL SETUSER modifier '${rule}': ${err.message}`);
      }
    }
    if (!existing) {
      this.users.set(name, draft);
      return { user: draft };
    }
    const before = existing.clone();
    existing.copyFrom(draft);
    return { user: existing, before };
  }

  /**
   * Users from `user` lines (redis.conf) or an aclfile, as Redis's ACLLoadFromFile: every line
   * `user <name> <rules...>` applied to a new user; empty lines skipped. All or nothing: on any
   * error the current users stay and the error lists every bad line. A missing `default` gets
   * its initial rules.
   */
  loadLines(lines: readonly string[], source: string): void {
    let errors = '';
    const loaded = new Map<string, AclUser>();
    lines.forEach((line, i) => {
      const number = i + 1;
      const words = line.split(' ').filter((w) => w !== '');
      if (words.length === 0) return;
      if (words[0] !== 'user' || words.length < 2) {
        errors += `${source}:${number} should start with user keyword followed by the username. `;
        return;
      }
      const name = words[1]!;
      if (loaded.has(name)) {
        errors += `WARNING: Duplicate user '${name}' found on line ${number}. `;
        return;
      }
      const user = this.newUser(name);
      if (this.pubsubDefault === 'allchannels') user.apply('allchannels', this.pubsubDefault);
      for (const rule of words.slice(2)) {
        try {
          user.apply(rule, this.pubsubDefault);
        } catch (err) {
          if (!(err instanceof AclRuleError)) throw err;
          errors +=
            err.message === 'Syntax error'
              ? `${source}:${number}: Syntax error. `
              : `${source}:${number}: Error in applying operation '${rule}': ${err.message}. `;
          return;
        }
      }
      loaded.set(name, user);
    });
    if (errors) {
      throw new CommandError(
        `ERR ${errors}WARNING: ACL errors detected, no change to the previously active ACL rules was performed`,
      );
    }
    const fileDefault = loaded.get('default');
    this.defaultUser.copyFrom(fileDefault ?? this.initialDefault());
    this.users.clear();
    this.users.set('default', this.defaultUser);
    for (const [name, user] of loaded) if (name !== 'default') this.users.set(name, user);
  }

  private initialDefault(): AclUser {
    const user = this.newUser('default');
    for (const rule of ['on', 'nopass', '~*', '&*', '+@all']) user.apply(rule, 'resetchannels');
    return user;
  }

  /** ACL LOAD / startup: reads `aclfile`; throws CommandError with Redis's texts. */
  loadFile(path: string): void {
    let text: string;
    try {
      text = readFileSync(path, 'latin1');
    } catch (err) {
      throw new CommandError(
        `ERR Error loading ACLs, opening file '${path}': ${(err as Error).message}`,
      );
    }
    this.loadLines(
      text.split('\n').map((l) => l.replace(/\r$/, '')),
      path,
    );
  }

  /** ACL SAVE: every user as an ACL LIST line, written to a temp file then renamed. */
  saveFile(path: string): void {
    const text = this.sortedUsers()
      .map((u) => `${u.describe()}\n`)
      .join('');
    const temp = `${path}.tmp-${process.pid}`;
    writeFileSync(temp, text, 'latin1');
    renameSync(temp, path);
  }

  /** The user these credentials log in as, or undefined (unknown, disabled, wrong password). */
  authenticate(name: string, password: string): AclUser | undefined {
    const user = this.users.get(name);
    if (!user?.enabled) return undefined;
    if (user.nopass) return user;
    const hash = Buffer.from(sha256Hex(password), 'latin1');
    const ok = user.passwords.some((h) => timingSafeEqual(Buffer.from(h, 'latin1'), hash));
    return ok ? user : undefined;
  }

  /** Redis's ACLCheckAllUserCommandPerm for the root selector: command, then keys, then channels. */
  check(
    user: AclUser,
    spec: CommandSpec,
    fullName: string,
    argv: readonly string[],
  ): Denial | undefined {
    if (!spec.flags.includes('no_auth') && !user.canRun(fullName, argv))
      return { reason: 'command', object: fullName };
    if (!user.allKeys) {
      const isWrite = spec.flags.includes('write');
      const positions = keyPositions(spec, argv);
      for (let nth = 0; nth < positions.length; nth++) {
        const key = argv[positions[nth]!]!;
        const access = keyAccess(fullName, isWrite, argv, nth);
        if (!user.canAccessKey(key, access.includes('R'), access.includes('W')))
          return { reason: 'key', object: key };
      }
    }
    const channels = CHANNEL_ARGS[fullName];
    if (channels && !user.allChannels) {
      const last = channels.all ? argv.length - 1 : 1;
      for (let i = 1; i <= last; i++) {
        if (!user.canAccessChannel(argv[i]!, channels.pattern))
          return { reason: 'channel', object: argv[i]! };
      }
    }
    return undefined;
  }

  addLogEntry(entry: Omit<AclLogEntry, 'count' | 'createdAt'>, maxLength: number): void {
    const now = Date.now();
    const at = this.log.findIndex(
      (e) =>
        e.reason === entry.reason &&
        e.context === entry.context &&
        e.object === entry.object &&
        e.username === entry.username &&
        now - e.createdAt < LOG_GROUPING_MS,
    );
    if (at >= 0) {
      const [similar] = this.log.splice(at, 1);
      similar!.count++;
      similar!.createdAt = now;
      similar!.clientInfo = entry.clientInfo;
      this.log.unshift(similar!);
    } else this.log.unshift({ ...entry, count: 1, createdAt: now });
    if (this.log.length > maxLength) this.log.length = maxLength;
  }
}
