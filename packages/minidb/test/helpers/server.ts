import { createEngine } from '../../src/engine/index.js';
import type { Credentials } from '../../src/protocol/auth.js';
import { MinidbServer } from '../../src/server/minidb-server.js';

export interface TestServerOptions {
  credentials?: Credentials;
  maxConnections?: number;
  maxMessageSize?: number;
  statementTimeoutMs?: number;
  unixDir?: string;
}

/** An in-process in-memory minidb on a free port, closed at teardown. */
export async function startMinidb(
  t: { teardown(fn: () => unknown): void },
  options: TestServerOptions = {},
): Promise<MinidbServer> {
  const engine = await createEngine({ inMemory: true });
  const server = new MinidbServer({ engine, port: 0, shutdownGraceMs: 2000, ...options });
  await server.start();
  t.teardown(() => server.close());
  return server;
}

/** node-postgres connection settings for a test server. */
export function pgConfig(server: MinidbServer, extra: Record<string, unknown> = {}) {
  return {
    host: '127.0.0.1',
    port: server.port,
    user: 'postgres',
    database: 'postgres',
    ...extra,
  };
}
