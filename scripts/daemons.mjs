// The daemons that are finished enough to start by default: package, bin, default port, the
// client command a person tries first (given the port).
// (strata-sh is a shell, not a daemon: scripts/pack-check.mjs checks it separately.)
// scripts/up.mjs, scripts/pack-check.mjs and the compose test read this one table.
export const daemons = [
  {
    name: 'kvstore',
    package: '@strata/kvstore',
    bin: 'strata-kvstore',
    port: 6379,
    client: (port) => `redis-cli -p ${port}`,
    args: ['--dir', 'data/kvstore', '--appendonly', 'yes'],
    // Flags that point a packed install at a scratch data directory (scripts/pack-check.mjs).
    scratchArgs: (dir) => ['--dir', dir],
    // What a client says first and the start of the reply that proves the daemon is serving.
    probe: { send: 'PING\r\n', expect: '+PONG' },
  },
  {
    name: 'httpd',
    package: '@strata/httpd',
    bin: 'strata-httpd',
    port: 8080,
    client: (port) => `curl http://127.0.0.1:${port}/`,
    args: ['--root', 'public'],
    scratchArgs: (dir) => ['--root', dir, '--workers', '1'],
    probe: { send: 'GET / HTTP/1.1\r\nHost: localhost\r\n\r\n', expect: 'HTTP/1.1 ' },
  },
  {
    name: 'proxy',
    package: '@strata/proxy',
    bin: 'strata-proxy',
    port: 3128,
    client: (port) => `curl -x http://127.0.0.1:${port} http://example.org/`,
    args: ['--workers', '1'],
    scratchArgs: () => ['--workers', '1'],
    probe: {
      send: 'GET /strata-proxy/stats HTTP/1.1\r\nHost: localhost\r\n\r\n',
      expect: 'HTTP/1.1 200',
    },
  },
  {
    name: 'minidb',
    package: '@strata/minidb',
    bin: 'strata-minidb',
    port: 5433,
    client: (port) => `psql -h 127.0.0.1 -p ${port} -U postgres`,
    // In memory until durable storage lands (issue 12): --data is accepted but not yet written.
    args: ['--in-memory'],
    scratchArgs: (dir) => ['--data', dir],
    // A StartupMessage (41 bytes, protocol 3.0); any answer starting with R (authentication
    // request, AuthenticationOk included) means the daemon is serving.
    probe: {
      send: '\x00\x00\x00\x29\x00\x03\x00\x00user\x00postgres\x00database\x00postgres\x00\x00',
      expect: 'R',
    },
  },
];
