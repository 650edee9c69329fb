import { type LookupAddress, type LookupOptions, lookup } from 'node:dns';
import { isIP } from 'node:net';
import { ErrorCode, StrataError } from '@strata/common';
import { Agent } from 'undici';
import { PRIVATE_NETWORKS } from '../access/networks.js';

/** Raised by the resolver when a name leads to a private address (answered with 403). */
export class PrivateTargetError extends StrataError {
  constructor(message: string) {
    super(ErrorCode.FORBIDDEN_TARGET, message);
  }
}

export interface UpstreamOptions {
  connections: number;
  timeoutMs: number;
  /** Host names that may resolve anywhere (the --origin), lowercased. */
  trustedHosts: ReadonlySet<string>;
  allowPrivate: boolean;
}

/** Whether an address literal is one --allow-private guards. */
export function isPrivateAddress(address: string): boolean {
  return PRIVATE_NETWORKS.has(address);
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * The resolver every upstream connection uses: the SSRF check happens on the very addresses
 * connected to, so a name that resolves to a private address (or is re-bound to one between
 * a check and the connect) is refused.
 */
export function guardedLookup(options: UpstreamOptions) {
  return (hostname: string, lookupOptions: LookupOptions, callback: LookupCallback) => {
    lookup(hostname, { ...lookupOptions, all: true }, (err, addresses) => {
      if (err) {
        callback(err, []);
        return;
      }
      const trusted = options.allowPrivate || options.trustedHosts.has(hostname.toLowerCase());
      const usable = trusted ? addresses : addresses.filter((a) => !isPrivateAddress(a.address));
      if (usable.length === 0) {
        callback(new PrivateTargetError(`${hostname} resolves to a private address`), []);
        return;
      }
      if (lookupOptions.all) callback(null, usable);
      else callback(null, usable[0]!.address, usable[0]!.family);
    });
  };
}

/** The pooled keep-alive connections to every origin (one undici Pool per origin inside). */
export function createAgent(options: UpstreamOptions): Agent {
  return new Agent({
    connections: options.connections,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    keepAliveTimeout: 4_000,
    connect: {
      timeout: options.timeoutMs,
      lookup: guardedLookup(options),
    } as Agent.Options['connect'],
  });
}

/** The upstream failure as the status the client gets: 504 for timeouts, 502 otherwise. */
export function upstreamErrorStatus(err: unknown): number {
  const code = (err as { code?: string }).code ?? '';
  if (code === ErrorCode.FORBIDDEN_TARGET) return 403;
  if (
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    code === 'UND_ERR_CONNECT_TIMEOUT' ||
    code === 'ETIMEDOUT'
  ) {
    return 504;
  }
  return 502;
}

/** Whether the target's host is an address literal in the guarded ranges. */
export function literalIsPrivate(hostname: string): boolean {
  return isIP(hostname) !== 0 && isPrivateAddress(hostname);
}
