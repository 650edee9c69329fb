import { readFileSync } from 'node:fs';

/**
 * uid/gid to name tables read from /etc/passwd and /etc/group (the first entry for an id wins,
 * as getpwuid() returns it). Ids without a name print as numbers, as GNU ls does.
 */
function readIdTable(path: string): Map<number, string> {
  const names = new Map<number, string>();
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return names;
  }
  for (const line of text.split('\n')) {
    const fields = line.split(':');
    if (fields.length < 3 || line.startsWith('#')) continue;
    const id = Number(fields[2]);
    if (Number.isInteger(id) && !names.has(id)) names.set(id, fields[0]);
  }
  return names;
}

export class IdNames {
  private users?: Map<number, string>;
  private groups?: Map<number, string>;

  user(uid: number): string {
    this.users ??= readIdTable('/etc/passwd');
    return this.users.get(uid) ?? String(uid);
  }

  group(gid: number): string {
    this.groups ??= readIdTable('/etc/group');
    return this.groups.get(gid) ?? String(gid);
  }
}
