// A static file server for the tests: serves folders under URL prefixes (the site under
// /filterscope/, as GitHub Pages serves a project site), with the MIME types browsers need.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.css': 'text/css', '.json': 'application/json', '.arrow': 'application/octet-stream',
};

/**
 * Serves `mounts` ({'/prefix/': '/dir'}) on 127.0.0.1; resolves to {url, close, requests}:
 * `requests` lists the path of every request answered, in order (tests pin what a page fetches).
 */
export function serve(mounts, { gzip = false } = {}) {
  const requests = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    requests.push(url.pathname);
    const prefix = Object.keys(mounts).find((p) => url.pathname.startsWith(p));
    if (!prefix) { res.writeHead(404).end(); return; }
    let rel = decodeURIComponent(url.pathname.slice(prefix.length)) || 'index.html';
    const file = path.join(mounts[prefix], path.normalize(rel).replace(/^(\.\.[/\\])+/, ''));
    fs.readFile(file, (err, data) => {
      if (err) { res.writeHead(404).end('not found'); return; }
      const type = TYPES[path.extname(file)] || 'application/octet-stream';
      // As GitHub Pages does: text, JSON, script and wasm compressed; binary data as it is.
      if (gzip && type !== 'application/octet-stream' && /gzip/.test(req.headers['accept-encoding'] || '')) {
        res.writeHead(200, { 'content-type': type, 'content-encoding': 'gzip' });
        res.end(zlib.gzipSync(data));
        return;
      }
      res.writeHead(200, { 'content-type': type });
      res.end(data);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    resolve({ url: `http://127.0.0.1:${server.address().port}`, close: () => server.close(), requests });
  }));
}
