import type { NotifyClass } from '../commands/types.js';
import type { PubSub } from './pubsub.js';

const CLASS_LETTER: Record<NotifyClass, string> = {
  generic: 'g',
  string: '$',
  list: 'l',
  set: 's',
  hash: 'h',
  zset: 'z',
  expired: 'x',
  evicted: 'e',
  stream: 't',
  keymiss: 'm',
  new: 'n',
};

/** Keyspace notifications as configured by notify-keyspace-events (K, E, A and class letters). */
export class Notifier {
  private keyspace = false;
  private keyevent = false;
  private classes = new Set<string>();

  constructor(private readonly pubsub: PubSub) {}

  configure(flags: string): void {
    this.keyspace = flags.includes('K');
    this.keyevent = flags.includes('E');
    const classes = new Set<string>();
    for (const c of flags) {
      if (c === 'A') for (const l of 'g$lshzxet') classes.add(l);
      else if (c !== 'K' && c !== 'E') classes.add(c);
    }
    this.classes = classes;
  }

  get enabled(): boolean {
    return (this.keyspace || this.keyevent) && this.classes.size > 0;
  }

  notify(type: NotifyClass, event: string, key: string, dbIndex: number): void {
    if (!this.keyspace && !this.keyevent) return;
    if (!this.classes.has(CLASS_LETTER[type])) return;
    if (this.keyspace) this.pubsub.publish(`__keyspace@${dbIndex}__:${key}`, event);
    if (this.keyevent) this.pubsub.publish(`__keyevent@${dbIndex}__:${event}`, key);
  }
}

/** The canonical text of notify-keyspace-events as CONFIG GET shows it. */
export function canonicalNotifyFlags(flags: string): string {
  let out = '';
  const all = 'g$lshzxet'.split('').every((c) => flags.includes(c) || flags.includes('A'));
  if (all) out += 'A';
  else for (const c of 'g$lshzxet') if (flags.includes(c)) out += c;
  if (flags.includes('m')) out += 'm';
  if (flags.includes('n')) out += 'n';
  if (flags.includes('K')) out += 'K';
  if (flags.includes('E')) out += 'E';
  return out;
}
