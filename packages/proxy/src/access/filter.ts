import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { Glob } from './glob.js';

/**
 * URL filtering: --deny / --allow / --deny-file patterns in three forms.
 * - `domain:example.com` the host and its subdomains;
 * - `glob:*.example.com/ads/*` host+path, `*` and `?`, matched without backtracking (glob.ts);
 * - `regex:<JS regex>` the whole URL, compiled for V8's linear-time engine (the `l` flag), so
 *   no pattern can backtrack exponentially (issue 9); a pattern that engine cannot run
 *   (backreferences, lookaround) is refused when loaded, with the reason.
 * URLs are bounded before any rule runs (--max-filter-url), and so is each pattern.
 */

// The linear engine is behind a V8 flag; it must be set before the first `l` regex is built.
setFlagsFromString('--enable-experimental-regexp-engine');

/** What a rule is matched against. */
export interface FilterTarget {
  /** The whole URL (`host:port` for CONNECT). */
  url: string;
  /** Lowercased host name, no port, no brackets. */
  host: string;
  /** Host and path (`host` alone for CONNECT). */
  hostPath: string;
}

export interface FilterRule {
  /** The pattern as written, named in the 403. */
  readonly text: string;
  matches(target: FilterTarget): boolean;
}

export function compileRule(text: string, maxLength: number): FilterRule {
  if (text.length > maxLength)
    throw new Error(`pattern longer than ${maxLength}: '${text.slice(0, 40)}...'`);
  const colon = text.indexOf(':');
  const kind = colon < 0 ? '' : text.slice(0, colon);
  const body = text.slice(colon + 1);
  if (body === '') throw new Error(`empty pattern: '${text}'`);
  switch (kind) {
    case 'domain': {
      const domain = body.toLowerCase().replace(/^\.+/, '');
      const suffix = `.${domain}`;
      return { text, matches: (t) => t.host === domain || t.host.endsWith(suffix) };
    }
    case 'glob': {
      const glob = new Glob(body);
      return { text, matches: (t) => glob.matches(t.hostPath) };
    }
    case 'regex': {
      let regex: RegExp;
      try {
        // Case-sensitive: the linear engine has no `i`; hosts are lowercased in the URL already.
        regex = new RegExp(body, 'l');
      } catch (err) {
        throw new Error(`regex pattern refused: ${(err as Error).message}`);
      }
      return { text, matches: (t) => regex.test(t.url) };
    }
    default:
      throw new Error(`pattern '${text}' must start with domain:, regex: or glob:`);
  }
}

/** Pattern lines of a deny file: `#` comments and blank lines skipped. */
export function readPatternFile(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

export interface FilterOptions {
  deny: readonly string[];
  allow: readonly string[];
  maxPatternLength: number;
}

/** The deny and allow rules in force; replaced whole on SIGHUP. */
export class UrlFilter {
  private readonly deny: FilterRule[];
  private readonly allow: FilterRule[];

  constructor(options: FilterOptions) {
    this.deny = options.deny.map((p) => compileRule(p, options.maxPatternLength));
    this.allow = options.allow.map((p) => compileRule(p, options.maxPatternLength));
  }

  get ruleCount(): number {
    return this.deny.length + this.allow.length;
  }

  /** The reason to refuse the target (the rule's text), or undefined to let it through. */
  check(target: FilterTarget): string | undefined {
    for (const rule of this.deny) if (rule.matches(target)) return `deny ${rule.text}`;
    if (this.allow.length === 0) return undefined;
    for (const rule of this.allow) if (rule.matches(target)) return undefined;
    return 'not in the allow-list';
  }
}
