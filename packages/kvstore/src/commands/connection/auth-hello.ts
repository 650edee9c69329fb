import { CommandError } from '../../command-error.js';
import type { Client } from '../../server/client.js';
import { internals } from '../../server/context.js';
import { logDenial } from '../../server/dispatch.js';
import type { KvServer } from '../../server/kv-server.js';
import { defineCommand } from '../define.js';
import { validateClientName } from './client-name.js';

const WRONGPASS = 'WRONGPASS invalid username-password pair or user is disabled.';

/** Logs the client in as `username`; throws WRONGPASS (and logs it in ACL LOG) otherwise. */
function authenticate(server: KvServer, client: Client, username: string, password: string): void {
  const user = server.acl.authenticate(username, password);
  if (!user) {
    logDenial(server, client, { reason: 'auth', object: client.ctx.argv[0]! }, username);
    throw new CommandError(WRONGPASS);
  }
  client.authenticated = true;
  client.aclUser = user;
}

export const auth = defineCommand({
  name: 'auth',
  arity: -2,
  flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
  group: 'connection',
  summary: 'Authenticate to the server',
  since: '1.0.0',
  handler(ctx) {
    const { argv } = ctx;
    if (argv.length > 3) throw new CommandError('ERR syntax error');
    const { server, client } = internals(ctx);
    if (argv.length === 2 && server.acl.defaultUser.nopass) {
      throw new CommandError(
        'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
      );
    }
    const [user, password] = argv.length === 3 ? [argv[1]!, argv[2]!] : ['default', argv[1]!];
    authenticate(server, client, user, password);
    ctx.reply.ok();
  },
});

export const hello = defineCommand({
  name: 'hello',
  arity: -1,
  flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
  group: 'connection',
  summary: 'Handshake with Redis',
  since: '6.0.0',
  handler(ctx) {
    const { argv, reply } = ctx;
    const { server, client } = internals(ctx);
    let version: 2 | 3 = client.resp;
    if (argv.length >= 2) {
      const text = argv[1]!;
      if (!/^-?\d+$/.test(text)) {
        throw new CommandError('ERR Protocol version is not an integer or out of range');
      }
      const n = Number(text);
      if (n !== 2 && n !== 3) throw new CommandError('NOPROTO unsupported protocol version');
      version = n;
    }
    let name: string | undefined;
    let credentials: [string, string] | undefined;
    for (let i = 2; i < argv.length; i++) {
      const option = argv[i]!.toUpperCase();
      const left = argv.length - i - 1;
      if (option === 'AUTH' && left >= 2) {
        credentials = [argv[i + 1]!, argv[i + 2]!];
        i += 2;
      } else if (option === 'SETNAME' && left >= 1) {
        name = argv[i + 1]!;
        validateClientName(name);
        i += 1;
      } else {
        throw new CommandError(`ERR Syntax error in HELLO option '${argv[i]}'`);
      }
    }
    if (credentials) authenticate(server, client, credentials[0], credentials[1]);
    if (!client.authenticated && server.acl.authRequired) {
      throw new CommandError(
        'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time',
      );
    }
    if (name !== undefined) client.name = name;
    client.resp = version;
    reply.resp = version;
    reply.mapHeader(7);
    reply.bulk('server');
    reply.bulk('redis');
    reply.bulk('version');
    reply.bulk(REDIS_VERSION);
    reply.bulk('proto');
    reply.integer(version);
    reply.bulk('id');
    reply.integer(client.id);
    reply.bulk('mode');
    reply.bulk('standalone');
    reply.bulk('role');
    reply.bulk('master');
    reply.bulk('modules');
    reply.arrayHeader(0);
  },
});

/** The Redis version we answer as (HELLO, INFO). */
export const REDIS_VERSION = '7.0.15';
