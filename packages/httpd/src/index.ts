export { Httpd } from './server.js';
export { HTTPD_OPTIONS, CLI_INFO, type HttpdConfig } from './options.js';
