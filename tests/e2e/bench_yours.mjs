// The Your model view's speed and memory: from choosing model files to their reports (extraction,
// sketches and D to every model of the site, in the data worker; for several files, read one after
// another, and D between them), and the tab's peak memory above the page's own meanwhile.
//
//   RUNS=3 node tests/e2e/bench_yours.mjs SITE DATA MODEL...
//
// SITE: a built site; DATA: site data served in its place (a 647-model synthetic site); MODEL: for
// example tests/bench/resnet50_onnx.py's ResNet-50-shaped model (about 100 MB), or the files
// tests/bench/checkpoints.py writes (safetensors, torch; ten 45 MB checkpoints of a run).
import fs from 'node:fs';
import { launch, rendererRss } from './browser.mjs';
import { serve } from './serve.mjs';

const [site, data, ...models] = process.argv.slice(2);
if (!site || !data || !models.length) {
  console.error('usage: RUNS=3 node bench_yours.mjs SITE DATA MODEL...');
  process.exit(2);
}
const RUNS = Number(process.env.RUNS || 3);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];


const server = await serve({ '/filterscope/': site, '/data/': data });
const browser = await launch();
const ms = [];
const peaks = [];
let summary = '';
for (let i = 0; i < RUNS; i++) {
  const ctx = await browser.newContext({ viewport: { width: 1300, height: 1000 } });
  const p = await ctx.newPage();
  await p.addInitScript(() => document.addEventListener('change', () => { window.chosenAt = performance.now(); }, true));
  await p.goto(`${server.url}/filterscope/?data=${encodeURIComponent(`${server.url}/data/`)}&view=yours`);
  await p.waitForSelector('#yours-file:not([disabled])', { timeout: 60000 });
  await p.waitForTimeout(1000);
  const base = rendererRss();
  let peak = base;
  const timer = setInterval(() => { peak = Math.max(peak, rendererRss()); }, 50);
  await p.setInputFiles('#yours-file', models);
  if (models.length === 1) {
    await p.waitForSelector('#yours-summary', { timeout: 120000 });
  } else {
    // Every file read, and D between them drawn.
    await p.waitForFunction((n) => [...document.querySelectorAll('#yours-models li')].filter((l) => !l.textContent.includes('reading…')).length === n, models.length, { timeout: 300000, polling: 20 });
    await p.waitForSelector('#yours-between canvas', { timeout: 120000 });
  }
  const t = await p.evaluate(() => performance.now() - window.chosenAt);
  clearInterval(timer);
  ms.push(t);
  peaks.push((peak - base) / 2 ** 20);
  summary = await p.textContent('#yours-summary');
  await ctx.close();
}
console.log(JSON.stringify({
  files: models.length,
  largest_mb: Math.max(...models.map((m) => fs.statSync(m).size)) / 2 ** 20,
  total_mb: models.reduce((a, m) => a + fs.statSync(m).size, 0) / 2 ** 20,
  runs: RUNS,
  choose_to_report_ms: median(ms),
  all_ms: ms.map(Math.round),
  peak_tab_mb_above_page: Math.round(median(peaks)),
  summary,
}, null, 1));
await browser.close();
server.close();
