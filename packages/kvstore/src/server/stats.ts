/** Per-command counters for INFO commandstats and the slow log. */
export interface CommandStat {
  calls: number;
  usec: number;
  rejected: number;
  failed: number;
}

export interface SlowlogEntry {
  id: number;
  time: number;
  durationUs: number;
  argv: string[];
  address: string;
  name: string;
}

/** Server-wide counters exposed by INFO stats and reset by CONFIG RESETSTAT. */
export class ServerStats {
  commandsProcessed = 0;
  connectionsReceived = 0;
  rejectedConnections = 0;
  expiredKeys = 0;
  evictedKeys = 0;
  keyspaceHits = 0;
  keyspaceMisses = 0;
  netInputBytes = 0;
  netOutputBytes = 0;
  errorReplies = 0;
  totalErrorsByPrefix = new Map<string, number>();
  commands = new Map<string, CommandStat>();
  slowlog: SlowlogEntry[] = [];
  slowlogNextId = 0;
  /** Samples of commandsProcessed for instantaneous_ops_per_sec. */
  private samples: number[] = [];
  private lastSampleCount = 0;
  private lastSampleTime = Date.now();

  command(name: string): CommandStat {
    let stat = this.commands.get(name);
    if (!stat) {
      stat = { calls: 0, usec: 0, rejected: 0, failed: 0 };
      this.commands.set(name, stat);
    }
    return stat;
  }

  recordError(message: string): void {
    this.errorReplies++;
    const prefix = message.split(' ', 1)[0]!;
    this.totalErrorsByPrefix.set(prefix, (this.totalErrorsByPrefix.get(prefix) ?? 0) + 1);
  }

  sample(): void {
    const now = Date.now();
    const elapsed = now - this.lastSampleTime;
    if (elapsed <= 0) return;
    const ops = ((this.commandsProcessed - this.lastSampleCount) * 1000) / elapsed;
    this.samples.push(ops);
    if (this.samples.length > 16) this.samples.shift();
    this.lastSampleCount = this.commandsProcessed;
    this.lastSampleTime = now;
  }

  get instantaneousOps(): number {
    if (this.samples.length === 0) return 0;
    return Math.round(this.samples.reduce((a, b) => a + b, 0) / this.samples.length);
  }

  reset(): void {
    this.commandsProcessed = 0;
    this.connectionsReceived = 0;
    this.rejectedConnections = 0;
    this.expiredKeys = 0;
    this.evictedKeys = 0;
    this.keyspaceHits = 0;
    this.keyspaceMisses = 0;
    this.netInputBytes = 0;
    this.netOutputBytes = 0;
    this.errorReplies = 0;
    this.totalErrorsByPrefix.clear();
    this.commands.clear();
    this.samples = [];
  }
}
