// The big heatmap's speed in the browser: how long the page takes from choosing "group by model"
// (647 groups at full shape; data already in the worker) to the drawn, clustered heatmap, and how
// long each zoom or pan step takes from the key to the redrawn canvas.
//
//   node tests/e2e/bench_heatmap.mjs SITE DATA [RUNS]
//
// SITE: a built site (cargo xtask site); DATA: site data served in its place (for example the
// full-shape synthetic site `cargo xtask bench` makes). Prints JSON with medians (ms) and the
// pan/zoom frame rate (1000 / median step).
import { launch } from './browser.mjs';
import { serve } from './serve.mjs';
import { drawn } from './wait.mjs';

const [site, data, runsArg] = process.argv.slice(2);
if (!site || !data) {
  console.error('usage: node bench_heatmap.mjs SITE DATA [RUNS]');
  process.exit(2);
}
const RUNS = Number(runsArg || 5);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const server = await serve({ '/filterscope/': site, '/data/': data });
const browser = await launch();
const ctx = await browser.newContext({ viewport: { width: 1300, height: 1000 } });
const p = await ctx.newPage();
const url = (q) => `${server.url}/filterscope/?data=${encodeURIComponent(`${server.url}/data/`)}&${q}`;

/** Runs `act` in the page and resolves with the ms until the heatmap's next draw ends. */
async function untilDrawn(act) {
  return p.evaluate(async (act) => {
    const before = performance.getEntriesByName('filterscope:draw:heatmap').length;
    const t0 = performance.now();
    const done = new Promise((resolve) => {
      const check = () => {
        const es = performance.getEntriesByName('filterscope:draw:heatmap');
        if (es.length > before) resolve(es[es.length - 1].startTime + es[es.length - 1].duration - t0);
        else setTimeout(check, 1);
      };
      check();
    });
    // eslint-disable-next-line no-new-func
    new Function(act)();
    return done;
  }, act);
}

// Load once by model (fetches and caches what it needs), then time switching to it.
await p.goto(url('view=compare&by=model'));
await drawn(p, '#heatmap');
const groups = await p.evaluate(() => document.querySelector('#heatmap-summary').textContent.match(/(\d+) groups/)[1]);
const select = (v) => `const s = document.querySelector('#by'); s.value = '${v}'; s.dispatchEvent(new Event('change'));`;
const switchMs = [];
const drawMs = [];
for (let i = 0; i < RUNS; i++) {
  await untilDrawn(select('Task'));
  switchMs.push(await untilDrawn(select('model')));
  drawMs.push(await p.evaluate(() => {
    const es = performance.getEntriesByName('filterscope:draw:heatmap');
    return es[es.length - 1].duration;
  }));
}

// Zoom and pan steps by key, on the focused matrix (NO_ZOOM=1 skips them: an app without zoom,
// measured as a baseline).
const zooms = !process.env.NO_ZOOM;
const key = (k, shift = false, ctrl = false) => `document.querySelector('#heatmap canvas').dispatchEvent(new KeyboardEvent('keydown', { key: '${k}', shiftKey: ${shift}, ctrlKey: ${ctrl}, bubbles: true }));`;
await p.focus('#heatmap canvas');
const zoomMs = [];
const panMs = [];
for (let i = 0; zooms && i < RUNS; i++) {
  // Every run from the top-left cell of the whole matrix (no redraw: only the focus cell moves).
  await p.evaluate(key('Home', false, true));
  zoomMs.push(await untilDrawn(key('+')));
  zoomMs.push(await untilDrawn(key('+')));
  for (let j = 0; j < 4; j++) panMs.push(await untilDrawn(key('ArrowRight', true)));
  for (let j = 0; j < 4; j++) panMs.push(await untilDrawn(key('ArrowDown', true)));
  await untilDrawn(key('0'));
}
const step = zooms ? median([...zoomMs, ...panMs]) : NaN;
console.log(JSON.stringify({
  groups: Number(groups),
  runs: RUNS,
  switch_to_model_ms: median(switchMs),
  full_draw_ms: median(drawMs),
  zoom_step_ms: median(zoomMs),
  pan_step_ms: median(panMs),
  frames_per_second: Math.round(1000 / step),
}, null, 1));
await browser.close();
server.close();
