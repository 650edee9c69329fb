import { CommandError } from '../command-error.js';

/** Script flags of a `#!lua flags=...` shebang or of redis.register_function. */
export interface ScriptFlags {
  noWrites: boolean;
  allowOom: boolean;
  allowStale: boolean;
  noCluster: boolean;
  allowCrossSlotKeys: boolean;
}

export const FLAG_NAMES: Record<string, keyof ScriptFlags> = {
  'no-writes': 'noWrites',
  'allow-oom': 'allowOom',
  'allow-stale': 'allowStale',
  'no-cluster': 'noCluster',
  'allow-cross-slot-keys': 'allowCrossSlotKeys',
};

export function noFlags(): ScriptFlags {
  return {
    noWrites: false,
    allowOom: false,
    allowStale: false,
    noCluster: false,
    allowCrossSlotKeys: false,
  };
}

/** The names of the flags set, in Redis's order (FUNCTION LIST). */
export function flagNames(flags: ScriptFlags): string[] {
  return Object.entries(FLAG_NAMES)
    .filter(([, field]) => flags[field])
    .map(([name]) => name);
}

/**
 * evalExtractShebangFlags: an EVAL body starting with `#!` names its engine and flags on its
 * first line. Returns undefined for a body without shebang (Redis's compatibility mode).
 */
export function parseEvalShebang(body: string): ScriptFlags | undefined {
  if (!body.startsWith('#!')) return undefined;
  const end = body.indexOf('\n');
  if (end < 0) throw new CommandError('ERR Invalid script shebang');
  const parts = body
    .slice(0, end)
    .split(' ')
    .filter((part) => part !== '');
  if (parts[0] !== '#!lua') {
    throw new CommandError(`ERR Unexpected engine in script shebang: ${parts[0]}`);
  }
  const flags = noFlags();
  for (const part of parts.slice(1)) {
    if (!part.startsWith('flags=')) {
      throw new CommandError(`ERR Unknown lua shebang option: ${part}`);
    }
    for (const name of part.slice(6).split(',')) {
      if (name === '') continue;
      const field = FLAG_NAMES[name];
      if (!field) throw new CommandError(`ERR Unexpected flag in script shebang: ${name}`);
      flags[field] = true;
    }
  }
  return flags;
}
