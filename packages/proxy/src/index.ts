export { ProxyServer } from './server.js';
export { PROXY_OPTIONS, CLI_INFO, type ProxyConfig } from './cli.js';
