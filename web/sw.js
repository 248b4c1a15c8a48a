// Filterscope's service worker: keeps the app itself (page, script, wasm, style) so that a page
// visited once reloads offline. Data files are cached by the app (web/src/cache.rs), verified
// against the manifest first. Every request for the app goes to the network first, so a new
// deploy is picked up at once; the cache answers only when the network does not.
const CACHE = 'filterscope-app';

// The page and the files it references (trunk names them by content hash).
async function keepApp() {
  const cache = await caches.open(CACHE);
  const page = await fetch('./', { cache: 'no-cache' });
  if (!page.ok) return;
  const html = await page.clone().text();
  await cache.put('./', page);
  const refs = [...html.matchAll(/(?:href|src)="([^"]+\.(?:js|wasm|css))"/g)].map((m) => m[1]);
  // The data worker's files, named by content in the page's <meta name="filterscope-worker">
  // (web/src/page/loader.rs), or by trunk's fixed names in a page not built by xtask.
  const loader = html.match(/<meta name="filterscope-worker" content="([\w.-]+)_loader\.js">/);
  const stem = loader ? loader[1] : 'filterscope-worker';
  refs.push(`${stem}_loader.js`, `${stem}.js`, `${stem}_bg.wasm`);
  await Promise.all(refs.map(async (r) => {
    const resp = await fetch(r);
    if (resp.ok) await cache.put(r, resp);
  }));
}

self.addEventListener('install', (event) => {
  event.waitUntil(keepApp().catch(() => {}).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  // Only the app's own files; data files are the app's business (and may live elsewhere).
  if (req.method !== 'GET' || url.origin !== self.location.origin || url.pathname.endsWith('.arrow')
      || url.pathname.endsWith('/manifest.json')) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    try {
      const resp = await fetch(req);
      if (resp.ok) {
        const key = req.mode === 'navigate' ? './' : req;
        event.waitUntil(cache.put(key, resp.clone()));
      }
      return resp;
    } catch (err) {
      const hit = req.mode === 'navigate'
        ? await cache.match('./')
        : await cache.match(req, { ignoreSearch: true });
      if (hit) return hit;
      throw err;
    }
  })());
});
