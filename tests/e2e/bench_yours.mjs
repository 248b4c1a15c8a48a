// The Your model view's speed and memory: from choosing an ONNX file to its report (extraction,
// sketches and D to every model of the site, in the data worker), and the tab's peak memory above
// the page's own meanwhile.
//
//   node tests/e2e/bench_yours.mjs SITE DATA MODEL.onnx [RUNS]
//
// SITE: a built site; DATA: site data served in its place (a 647-model synthetic site); MODEL: for
// example tests/bench/resnet50_onnx.py's ResNet-50-shaped model (about 100 MB).
import fs from 'node:fs';
import { launch, rendererRss } from './browser.mjs';
import { serve } from './serve.mjs';

const [site, data, model, runsArg] = process.argv.slice(2);
if (!site || !data || !model) {
  console.error('usage: node bench_yours.mjs SITE DATA MODEL.onnx [RUNS]');
  process.exit(2);
}
const RUNS = Number(runsArg || 3);
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
  await p.setInputFiles('#yours-file', model);
  await p.waitForSelector('#yours-summary', { timeout: 120000 });
  const t = await p.evaluate(() => performance.now() - window.chosenAt);
  clearInterval(timer);
  ms.push(t);
  peaks.push((peak - base) / 2 ** 20);
  summary = await p.textContent('#yours-summary');
  await ctx.close();
}
console.log(JSON.stringify({
  model_mb: fs.statSync(model).size / 2 ** 20,
  runs: RUNS,
  choose_to_report_ms: median(ms),
  all_ms: ms.map(Math.round),
  peak_tab_mb_above_page: Math.round(median(peaks)),
  summary,
}, null, 1));
await browser.close();
server.close();
