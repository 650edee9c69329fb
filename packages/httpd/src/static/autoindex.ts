import { readdir, realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function listingDate(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/**
 * An HTML directory listing in the shape of nginx's autoindex: directories first, then files,
 * each sorted by name; dotfiles hidden; names escaped for HTML and percent-encoded in links.
 * Symlinks that lead outside `root` are not listed (their size and date would leak).
 */
export async function renderListing(root: string, dir: string, urlPath: string): Promise<string> {
  const entries = await readdir(dir, { withFileTypes: true });
  const rows: Array<{ name: string; isDir: boolean; size: number; mtimeMs: number }> = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    try {
      const path = join(dir, entry.name);
      if (entry.isSymbolicLink()) {
        const real = await realpath(path);
        if (real !== root && !real.startsWith(root + sep)) continue;
      }
      const info = await stat(path);
      rows.push({
        name: entry.name,
        isDir: info.isDirectory(),
        size: info.size,
        mtimeMs: info.mtimeMs,
      });
    } catch {
      // A dangling symlink or a file gone meanwhile is not listed.
    }
  }
  rows.sort((a, b) => (a.isDir === b.isDir ? (a.name < b.name ? -1 : 1) : a.isDir ? -1 : 1));
  const title = `Index of ${escapeHtml(urlPath)}`;
  const lines = rows.map((row) => {
    const name = row.isDir ? `${row.name}/` : row.name;
    const href = encodeURIComponent(row.name) + (row.isDir ? '/' : '');
    const shown = escapeHtml(name.length > 50 ? `${name.slice(0, 47)}..>` : name);
    const pad = ' '.repeat(Math.max(1, 51 - Math.min(name.length, 50)));
    const size = row.isDir ? '-' : String(row.size);
    return `<a href="${href}">${shown}</a>${pad}${listingDate(row.mtimeMs)} ${size.padStart(19)}\r\n`;
  });
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<h1>${title}</h1><hr><pre><a href="../">../</a>\r\n${lines.join('')}</pre><hr></body>\r\n</html>\r\n`;
}
