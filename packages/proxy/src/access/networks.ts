import { BlockList, isIP } from 'node:net';

/** A set of networks (CIDR), as node:net's BlockList; IPv4-mapped IPv6 addresses match IPv4 ones. */
export class NetworkList {
  private readonly list = new BlockList();

  constructor(readonly cidrs: readonly string[]) {
    for (const cidr of cidrs) addCidr(this.list, cidr);
  }

  has(address: string): boolean {
    const family = isIP(address);
    if (family === 0) return false;
    return this.list.check(address, family === 4 ? 'ipv4' : 'ipv6');
  }
}

/** Throws a plain message for a malformed CIDR (start-up shows it as one line). */
function addCidr(list: BlockList, cidr: string): void {
  const [address = '', bits] = cidr.trim().split('/');
  const family = isIP(address);
  if (family === 0) throw new Error(`not an IP network: '${cidr}'`);
  const max = family === 4 ? 32 : 128;
  const prefix = bits === undefined ? max : Number(bits);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) {
    throw new Error(`bad prefix length in '${cidr}'`);
  }
  list.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
}

export const LOOPBACK = ['127.0.0.0/8', '::1/128'];

/**
 * Where a forward request must not go unless --allow-private (SSRF; Squid's to_localhost and
 * the RFC 6890 special-purpose ranges a public proxy has no business reaching).
 */
export const PRIVATE_NETWORKS = new NetworkList([
  ...LOOPBACK,
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '224.0.0.0/4',
  '240.0.0.0/4',
  '::/128',
  'fc00::/7',
  'fe80::/10',
  'ff00::/8',
]);
