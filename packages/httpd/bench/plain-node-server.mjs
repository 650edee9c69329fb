// The baseline of the benchmark: a plain static file server as most Node code writes one,
// on node:http with stat + createReadStream per request (no cache), GET only.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join, normalize } from 'node:path';

const [port, root] = process.argv.slice(2);

createServer(async (req, res) => {
  const path = join(root, normalize(decodeURIComponent(req.url.split('?')[0])));
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error('not a file');
    res.writeHead(200, {
      'Content-Type': 'application/octet-stream',
      'Content-Length': info.size,
      'Last-Modified': info.mtime.toUTCString(),
    });
    createReadStream(path).pipe(res);
  } catch {
    res.writeHead(404, { 'Content-Length': 0 });
    res.end();
  }
}).listen(Number(port), '127.0.0.1');
