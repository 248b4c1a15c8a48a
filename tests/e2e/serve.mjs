// A static file server for the tests: serves folders under URL prefixes (the site under
// /filterscope/, as GitHub Pages serves a project site), with the MIME types browsers need.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import crypto from 'node:crypto';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.css': 'text/css', '.json': 'application/json', '.arrow': 'application/octet-stream',
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Serves `mounts` ({'/prefix/': '/dir'}) on 127.0.0.1; resolves to {url, close, requests, link}:
 * `requests` lists the path of every request answered, in order (tests pin what a page fetches).
 * `link` emulates a network at the server, for the page, its worker and service worker alike
 * (the DevTools protocol's emulation covers only the page's own requests): set
 * `link.latency` (ms before each response) and `link.rate` (bytes per second shared by all
 * responses, 0 = unlimited); `link.bytes` counts the bytes sent (bodies as sent, compressed).
 */
export function serve(mounts, { gzip = false, maxAge = 0 } = {}) {
  const requests = [];
  const link = { latency: 0, rate: 0, bytes: 0, free: 0 };
  /** Sends `data` over the emulated link: latency first, then pieces at the shared rate. */
  async function send(res, head, data) {
    if (link.latency) await sleep(link.latency);
    res.writeHead(200, head);
    const piece = 16384;
    for (let i = 0; i < data.length; i += piece) {
      const part = data.subarray(i, i + piece);
      if (link.rate) {
        const now = Date.now();
        link.free = Math.max(link.free, now) + (part.length / link.rate) * 1000;
        if (link.free - now > 1) await sleep(link.free - now);
      }
      link.bytes += part.length;
      if (!res.write(part)) await new Promise((r) => res.once('drain', r));
    }
    res.end();
  }
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
      // Revalidated by ETag; fresh for maxAge seconds first (GitHub Pages: 600). Tests use 0, so
      // that every request the browser's HTTP cache could answer still reaches this log.
      const etag = `"${crypto.createHash('sha1').update(data).digest('hex')}"`;
      const cacheHead = { etag, 'cache-control': maxAge ? `max-age=${maxAge}` : 'no-cache' };
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, cacheHead).end();
        return;
      }
      // As GitHub Pages does: text, JSON, script and wasm compressed; binary data as it is.
      if (gzip && type !== 'application/octet-stream' && /gzip/.test(req.headers['accept-encoding'] || '')) {
        send(res, { ...cacheHead, 'content-type': type, 'content-encoding': 'gzip' }, zlib.gzipSync(data));
        return;
      }
      send(res, { ...cacheHead, 'content-type': type }, data);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    resolve({ url: `http://127.0.0.1:${server.address().port}`, close: () => server.close(), requests, link });
  }));
}
