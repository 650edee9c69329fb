import { opendir } from 'node:fs/promises';
import type { UtilityContext } from './types.js';

/**
 * The path the kernel should see for an operand: relative operands are joined to the shell's
 * directory without normalising, so `link/..` and trailing slashes keep their meaning.
 */
export function resolveOperand(ctx: Pick<UtilityContext, 'cwd'>, operand: string): string {
  if (operand.startsWith('/')) return operand;
  return ctx.cwd.endsWith('/') ? ctx.cwd + operand : `${ctx.cwd}/${operand}`;
}

/** dir + '/' + name, without doubling a slash (gnulib's file_name_concat). */
export function joinName(dir: string, name: string): string {
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

/** The last component of a path, ignoring trailing slashes (`a/b/` -> `b`). */
export function baseName(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** Byte-wise comparison of names, as strcmp() sorts them in the C locale. */
export function compareBytes(a: string, b: string): number {
  if (a === b) return 0;
  // UTF-16 order is code point order (hence UTF-8 byte order) unless surrogates are involved.
  if (!SURROGATE.test(a) && !SURROGATE.test(b)) return a < b ? -1 : 1;
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * A directory's names in the order the file system returns them, as readdir(3) gives them to
 * GNU's tools (fs.readdir sorts them, which would change rm -v's and ls -U's order).
 */
export async function readDirectory(path: string): Promise<string[]> {
  const names: string[] = [];
  const dir = await opendir(path);
  for await (const entry of dir) names.push(entry.name);
  return names;
}
