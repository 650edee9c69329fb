import { readFileSync } from 'node:fs';

/**
 * Basic proxy authentication: the accepted Proxy-Authorization values are rendered once, so a
 * request costs one set lookup. The scheme name is case-insensitive (RFC 9110 §11.1).
 */
export class ProxyAuth {
  private readonly accepted = new Set<string>();

  constructor(users: readonly string[]) {
    for (const user of users) {
      if (!user.includes(':')) throw new Error(`--auth wants user:pass, got '${user}'`);
      this.accepted.add(Buffer.from(user, 'utf8').toString('base64'));
    }
  }

  get enabled(): boolean {
    return this.accepted.size > 0;
  }

  allows(header: string | undefined): boolean {
    if (header === undefined) return false;
    const space = header.indexOf(' ');
    if (space < 0 || header.slice(0, space).toLowerCase() !== 'basic') return false;
    return this.accepted.has(header.slice(space + 1).trim());
  }
}

/** user:pass lines of an auth file, `#` comments and blank lines skipped. */
export function readAuthFile(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}
