import { isIP } from 'node:net';
import type { RequestHead } from '@strata/common/http';

/** Where a request goes: scheme, host, port and the path to send. */
export interface Target {
  /** `http://host:port` as undici wants it. */
  origin: string;
  /** Lowercased host name or address, brackets removed. */
  hostname: string;
  port: number;
  /** `host[:port]` as it goes in Host (the default port omitted). */
  authority: string;
  path: string;
  /** The cache key and what filters see: `http://authority/path`. */
  url: string;
}

/** Splits `host[:port]` (IPv6 in brackets); undefined when malformed. */
export function splitAuthority(
  authority: string,
  defaultPort: number,
): { hostname: string; port: number } | undefined {
  let hostname: string;
  let portText = '';
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    if (close < 0) return undefined;
    hostname = authority.slice(1, close);
    const rest = authority.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) return undefined;
    portText = rest.slice(1);
    if (isIP(hostname) !== 6) return undefined;
  } else {
    const colon = authority.lastIndexOf(':');
    hostname = colon < 0 ? authority : authority.slice(0, colon);
    portText = colon < 0 ? '' : authority.slice(colon + 1);
  }
  if (hostname === '' || hostname.includes('@')) return undefined;
  const port = portText === '' ? defaultPort : Number(portText);
  if (!/^\d*$/.test(portText) || !Number.isInteger(port) || port < 1 || port > 65535) {
    return undefined;
  }
  return { hostname: hostname.toLowerCase(), port };
}

function build(hostname: string, port: number, path: string): Target {
  const host = isIP(hostname) === 6 ? `[${hostname}]` : hostname;
  const authority = port === 80 ? host : `${host}:${port}`;
  return {
    origin: `http://${host}:${port}`,
    hostname,
    port,
    authority,
    path,
    url: `http://${authority}${path}`,
  };
}

/**
 * The target of a forward (absolute-form) request; only http:// is proxied this way (https
 * goes through CONNECT). Undefined when the URI is not one we can forward.
 */
export function forwardTarget(head: RequestHead): Target | undefined {
  if (!/^http:\/\//i.test(head.target)) return undefined;
  const parts = splitAuthority(head.host, 80);
  if (!parts) return undefined;
  return build(parts.hostname, parts.port, head.path);
}

/** A parsed --origin. */
export function parseOrigin(origin: string): Target {
  const match = /^http:\/\/([^/]+)\/?$/i.exec(origin);
  const parts = match ? splitAuthority(match[1]!, 80) : undefined;
  if (!parts) throw new Error(`--origin must be http://host[:port], got '${origin}'`);
  return build(parts.hostname, parts.port, '/');
}

/** An origin-form request sent to the --origin. */
export function reverseTarget(origin: Target, path: string): Target {
  return build(origin.hostname, origin.port, path);
}

/** Parses a target URI given in a Location or Content-Location, relative to `base`. */
export function resolveReference(value: string, base: Target): Target | undefined {
  let url: URL;
  try {
    url = new URL(value, base.url);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:') return undefined;
  const parts = splitAuthority(url.host, 80);
  if (!parts) return undefined;
  return build(parts.hostname, parts.port, `${url.pathname}${url.search}`);
}
