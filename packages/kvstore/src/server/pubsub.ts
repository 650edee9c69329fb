import { globMatch } from '../glob.js';
import type { Client } from './client.js';
import type { KvServer } from './kv-server.js';

/** Channels and patterns with their subscribers; PUBLISH fan-out. */
export class PubSub {
  readonly channels = new Map<string, Set<Client>>();
  readonly patterns = new Map<string, Set<Client>>();

  constructor(private readonly server: KvServer) {}

  subscribe(client: Client, channel: string): boolean {
    if (client.channels.has(channel)) return false;
    client.channels.add(channel);
    addTo(this.channels, channel, client);
    this.server.applyOutputClass(client);
    return true;
  }

  unsubscribe(client: Client, channel: string): boolean {
    if (!client.channels.delete(channel)) return false;
    removeFrom(this.channels, channel, client);
    this.server.applyOutputClass(client);
    return true;
  }

  psubscribe(client: Client, pattern: string): boolean {
    if (client.patterns.has(pattern)) return false;
    client.patterns.add(pattern);
    addTo(this.patterns, pattern, client);
    this.server.applyOutputClass(client);
    return true;
  }

  punsubscribe(client: Client, pattern: string): boolean {
    if (!client.patterns.delete(pattern)) return false;
    removeFrom(this.patterns, pattern, client);
    this.server.applyOutputClass(client);
    return true;
  }

  /** Sends `message` to subscribers of `channel` and of matching patterns; returns the count. */
  publish(channel: string, message: string): number {
    let receivers = 0;
    const direct = this.channels.get(channel);
    if (direct) {
      for (const client of direct) {
        const reply = client.reply;
        reply.pushHeader(3);
        reply.bulk('message');
        reply.bulk(channel);
        reply.bulk(message);
        this.server.markForFlush(client);
        receivers++;
      }
    }
    for (const [pattern, clients] of this.patterns) {
      if (!globMatch(pattern, channel)) continue;
      for (const client of clients) {
        const reply = client.reply;
        reply.pushHeader(4);
        reply.bulk('pmessage');
        reply.bulk(pattern);
        reply.bulk(channel);
        reply.bulk(message);
        this.server.markForFlush(client);
        receivers++;
      }
    }
    return receivers;
  }

  /** Drops every subscription of a client that is gone. */
  removeClient(client: Client): void {
    for (const channel of client.channels) removeFrom(this.channels, channel, client);
    for (const pattern of client.patterns) removeFrom(this.patterns, pattern, client);
    client.channels.clear();
    client.patterns.clear();
  }
}

function addTo(map: Map<string, Set<Client>>, name: string, client: Client): void {
  const set = map.get(name);
  if (set) set.add(client);
  else map.set(name, new Set([client]));
}

function removeFrom(map: Map<string, Set<Client>>, name: string, client: Client): void {
  const set = map.get(name);
  if (!set) return;
  set.delete(client);
  if (set.size === 0) map.delete(name);
}
