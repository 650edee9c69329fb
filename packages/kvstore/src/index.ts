export { KvServer, type KvServerOptions } from './server/kv-server.js';
export { RuntimeConfig } from './server/runtime-config.js';
export { configFromOptions, main } from './main.js';
export type { CommandContext, CommandSpec, BlockRequest } from './commands/types.js';
