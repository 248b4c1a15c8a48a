// Browser benchmark: the built site in headless Chromium on localhost, median of RUNS fresh page
// loads per data set. Reads the app's User Timing entries (web/src/timing.rs):
//   filterscope:first-plot, filterscope:loaded   (ms since navigation)
//   filterscope:compare, filterscope:subset, filterscope:subset-pca, filterscope:draw:<id>
// the tab's memory (renderer RSS from /proc, JS heap from the DevTools protocol) and the
// main-thread tasks longer than 50 ms (Long Tasks API) from navigation to fully loaded.
//
//   node tests/e2e/bench.mjs SITE_DIR [NAME=DATA_DIR ...] > results.json
// SITE_DIR is `cargo xtask site` output (its data/ is the embedded sample); each NAME=DATA_DIR
// is served beside it and loaded with ?data=. RUNS (default 5) sets the repetitions.
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';

const [site, ...extra] = process.argv.slice(2);
const RUNS = Number(process.env.RUNS || 5);
if (!site || !fs.existsSync(path.join(site, 'index.html'))) {
  console.error('usage: node bench.mjs SITE_DIR [NAME=DATA_DIR ...]');
  process.exit(2);
}
const sets = [['sample', null], ...extra.map((e) => e.split('='))];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Sum of the resident memory of every renderer process (one page open: the tab). */
function rendererRss() {
  let total = 0;
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.includes('chromium') || !cmd.includes('--type=renderer')) continue;
      const m = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
      if (m) total += Number(m[1]) * 1024;
    } catch { /* gone */ }
  }
  return total;
}

async function entries(page) {
  return page.evaluate(() => performance.getEntries()
    .filter((e) => e.name.startsWith('filterscope:'))
    .map((e) => ({ name: e.name, type: e.entryType, start: e.startTime, duration: e.duration })));
}

/** Opens `query`, waits until every chunk is in, returns the timing entries and memory. */
async function open(browser, base, query) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  // Main-thread tasks over 50 ms while loading: what a Web Worker for decoding would remove.
  await page.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((l) => l.getEntries().forEach((e) => window.__longTasks.push(e.duration)))
      .observe({ type: 'longtask', buffered: true });
  });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.goto(base + query);
  await page.waitForFunction(
    () => performance.getEntriesByName('filterscope:loaded').length > 0
      || document.querySelector('.error'),
    null, { timeout: 600_000, polling: 50 },
  );
  const error = await page.locator('.error').count();
  if (error) throw new Error(`${query}: ${await page.locator('.error').first().innerText()}`);
  // Let the last effects (redraws after the final chunk) run.
  await page.waitForTimeout(300);
  const e = await entries(page);
  const long = await page.evaluate(() => window.__longTasks);
  const metrics = (await cdp.send('Performance.getMetrics')).metrics;
  const heap = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value;
  const rss = rendererRss();
  await context.close();
  return { e, heap, rss, long };
}

const last = (e, name) => e.filter((x) => x.name === name && x.type === 'measure').at(-1)?.duration;
const count = (e, name) => e.filter((x) => x.name === name && x.type === 'measure').length;
const at = (e, name) => e.find((x) => x.name === name && x.type === 'mark')?.start;

const server = await serve(Object.fromEntries([
  ['/app/', site], ...sets.filter(([, d]) => d).map(([n, d]) => [`/data-${n}/`, d]),
]));
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const results = {};
try {
  for (const [name, dir] of sets) {
    const data = dir ? `data=${encodeURIComponent(`${server.url}/data-${name}/`)}&` : '';
    const base = `${server.url}/app/?${data}`;
    const manifest = JSON.parse(fs.readFileSync(path.join(dir || path.join(site, 'data'), 'manifest.json'), 'utf8'));
    const views = {
      overview: 'view=overview',
      task_heatmap: 'view=compare&by=Task',
      model_heatmap: 'view=compare&by=model',
      depth_heatmap: 'view=compare&by=depth',
      subset_task: `view=pair&by=Task&a=Classification&b=${encodeURIComponent(manifest.n_models > 100 ? 'Segmentation' : 'Object Detection')}`,
      subset_depth: `view=pair&by=depth&a=${encodeURIComponent('[0.0, 0.1]')}&b=${encodeURIComponent('(0.9, 1.0]')}`,
    };
    const r = { filters: manifest.n_filters, layers: manifest.n_layers, models: manifest.n_models };
    for (const [view, q] of Object.entries(views)) {
      const runs = [];
      for (let k = 0; k < RUNS; k++) runs.push(await open(browser, base, q));
      const pick = (f) => runs.map((x) => f(x.e)).filter((v) => v !== undefined);
      const row = {
        first_plot_ms: median(pick((e) => at(e, 'filterscope:first-plot'))),
        loaded_ms: median(pick((e) => at(e, 'filterscope:loaded'))),
        tab_rss_mb: median(runs.map((x) => x.rss)) / 2 ** 20,
        js_heap_mb: median(runs.map((x) => x.heap)) / 2 ** 20,
        longest_task_ms: median(runs.map((x) => Math.max(0, ...x.long))),
        long_tasks_total_ms: median(runs.map((x) => x.long.reduce((a, b) => a + b, 0))),
      };
      for (const [k, m] of [['compare_ms', 'filterscope:compare'], ['subset_ms', 'filterscope:subset'],
        ['subset_pca_ms', 'filterscope:subset-pca'], ['heatmap_draw_ms', 'filterscope:draw:heatmap']]) {
        const v = pick((e) => last(e, m));
        if (v.length) {
          row[k] = median(v);
          row[`${k.replace('_ms', '')}_runs_per_load`] = median(runs.map((x) => count(x.e, m)));
        }
      }
      r[view] = row;
      console.error(name, view, JSON.stringify(row));
    }
    results[name] = r;
  }
} finally {
  await browser.close();
  server.close();
}
console.log(JSON.stringify(results, null, 1));
