export type * from './engine/api.js';
export { SqlError } from './engine/errors.js';
export { createEngine, type EngineOptions } from './engine/index.js';
export { MinidbServer, type MinidbServerOptions } from './server/minidb-server.js';
export { Credentials, type AuthMethod } from './protocol/auth.js';
export { main } from './main.js';
