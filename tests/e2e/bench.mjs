// Browser benchmark: what a visitor waits for and downloads. The built site in headless Chromium,
// served on 127.0.0.1 with gzip as GitHub Pages serves it (text, script and wasm compressed, the
// LZ4-compressed Arrow files as they are), a fresh browser context per load (nothing cached),
// the link emulated by the server (tests/e2e/serve.mjs: the data worker's requests too, which
// the DevTools protocol's emulation misses). For each view and link, the median of RUNS:
//   first_plot_ms    navigation to the first figure drawn (User Timing mark filterscope:first-plot)
//   bytes_first_plot bytes received (as sent: compressed) until then, app included
//   bytes_visit      bytes received until the view has settled (no fetch for 1 s)
//   tab_mb           renderer processes' RSS above a blank page, once settled
//   longest_task_ms  longest main-thread task (Long Tasks API), navigation to settled
//   intervals_after_ms  for views with bootstrap intervals (ci=): from the first plot (the point
//                    estimates) to the intervals shown (User Timing mark filterscope:intervals)
//   asked_mb         what the page asked the visitor to agree to download, when a view needs more
//                    at once than the default limit (web/src/page/widgets/large.rs); the view's
//                    first_plot_ms is then its first plot or, with none, the question
//                    (filterscope:asked). CONSENT=1 clicks the button and measures the rest too.
//
//   node tests/e2e/bench.mjs [--check] SITE_DIR [NAME=DATA_DIR ...] > results.json
// SITE_DIR is `cargo xtask site` output (its data/ is the embedded sample); each NAME=DATA_DIR
// is served beside it and loaded with ?data=. RUNS (default 3) sets the repetitions. The views
// are every kind of URL the app makes: the headline views, a grouping by each layer-level column
// the site has, a model-level grouping filtered by a layer-level column, a pair of two Task
// groups, the Quality view by a model-level and a layer-level column, and intervals. One table
// of every view goes to stderr; --check exits 1 when any view is over the visit budget (BUDGET).
import fs from 'node:fs';
import path from 'node:path';
import { launch, rendererRss } from './browser.mjs';
import { serve } from './serve.mjs';

const args = process.argv.slice(2);
const check = args[0] === '--check';
const [site, ...extra] = check ? args.slice(1) : args;
const RUNS = Number(process.env.RUNS || 3);
if (!site || !fs.existsSync(path.join(site, 'index.html'))) {
  console.error('usage: node bench.mjs SITE_DIR [NAME=DATA_DIR ...]');
  process.exit(2);
}
// NO_SAMPLE=1 skips the site's own data (e.g. an older app whose data/ is gone); LINKS=50mbit
// measures one link only.
const sets = [...(process.env.NO_SAMPLE ? [] : [['sample', null]]), ...extra.map((e) => e.split('='))];
// The issue's links: a 50 Mbit/s line with 20 ms latency, and 4G-like 9 Mbit/s with 150 ms.
const LINKS = {
  '50mbit': { latency: 20, rate: 50e6 / 8 },
  '4g': { latency: 150, rate: 9e6 / 8 },
};

// The visit budget (issue 26) every view is held to.
const BUDGET = {
  first_plot_ms_50mbit: 1500,
  first_plot_ms_4g: 4000,
  bytes_first_plot_50mbit: 2e6,
  bytes_first_plot_4g: 2e6,
  bytes_visit_50mbit: 5e6,
  bytes_visit_4g: 5e6,
  tab_mb_50mbit: 300,
  tab_mb_4g: 300,
  longest_task_ms_50mbit: 50,
  longest_task_ms_4g: 50,
};

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};


async function blankRss(browser) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto('about:blank');
  await page.waitForTimeout(500);
  const rss = rendererRss();
  await context.close();
  return rss;
}

/** Opens `url` over `link`; resolves once the view has settled. */
async function open(browser, url, link, blank) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((l) => l.getEntries().forEach((e) => window.__longTasks.push(e.duration)))
      .observe({ type: 'longtask', buffered: true });
  });
  Object.assign(server.link, link, { bytes: 0, free: 0 });
  let last = 0;
  let lastData = Date.now();
  const watch = setInterval(() => {
    if (server.link.bytes !== last) { last = server.link.bytes; lastData = Date.now(); }
  }, 20);
  await page.goto(url);
  // The first plot, or the page asking before a large download (the point estimates may come
  // first, then the intervals ask).
  await page.waitForFunction(
    () => ['filterscope:first-plot', 'filterscope:asked'].some((m) => performance.getEntriesByName(m).length > 0)
      || document.querySelector('.error'),
    null, { timeout: 600_000, polling: 20 },
  );
  const bytesFirst = server.link.bytes;
  if (await page.locator('.error').count()) throw new Error(`${url}: ${await page.locator('.error').first().innerText()}`);
  // Settled: no progress bar and no bytes for a second.
  for (;;) {
    await page.waitForTimeout(250);
    const busy = await page.locator('#progress').count();
    if (!busy && Date.now() - lastData > 1000) break;
  }
  // A question before a large download: what it asks for; with CONSENT=1, agreed to and the
  // rest measured (the question's own answer and then any other's).
  let asked = null;
  while (await page.locator('#ask-large').count()) {
    const text = await page.locator('#ask-large p').innerText();
    const m = text.match(/ ([\d.]+) (MB|KB) more/);
    asked = (asked || 0) + (m ? Number(m[1]) / (m[2] === 'KB' ? 1000 : 1) : NaN);
    if (!process.env.CONSENT) break;
    await page.locator('#ask-large-go').first().click();
    await page.waitForFunction(() => !document.querySelector('#progress') && !document.querySelector('#ask-large') || document.querySelector('.error'), null, { timeout: 600_000, polling: 50 });
    for (;;) {
      await page.waitForTimeout(250);
      if (!(await page.locator('#progress').count()) && Date.now() - lastData > 1000) break;
    }
  }
  if (url.includes('ci=') && (asked === null || process.env.CONSENT)) {
    await page.waitForFunction(() => performance.getEntriesByName('filterscope:intervals').length > 0, null, { timeout: 600_000, polling: 20 });
  }
  const first = await page.evaluate(() => (performance.getEntriesByName('filterscope:first-plot')[0]
    || performance.getEntriesByName('filterscope:asked')[0]).startTime);
  const intervals = await page.evaluate(() => performance.getEntriesByName('filterscope:intervals')[0]?.startTime);
  const long = await page.evaluate(() => window.__longTasks);
  const rss = rendererRss();
  const bytes = server.link.bytes;
  clearInterval(watch);
  await context.close();
  return { first, bytesFirst, bytes, tab: (rss - blank) / 2 ** 20, longest: Math.max(0, ...long), after: intervals === undefined ? null : intervals - first, asked };
}

/**
 * One tab through every view in turn (in-app navigation, as a visitor clicks), twice: the tab's
 * memory above a blank page after each, and the largest.
 */
async function sequence(browser, base, queries, blank) {
  Object.assign(server.link, LINKS['50mbit'], { bytes: 0, free: 0 });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(base + queries[0]);
  const settle = async () => {
    await page.waitForFunction(() => performance.getEntriesByName('filterscope:first-plot').length > 0, null, { timeout: 600_000 });
    await page.waitForTimeout(500);
    await page.waitForFunction(() => !document.querySelector('#progress'), null, { timeout: 600_000, polling: 100 });
    await page.waitForTimeout(1500);
  };
  const after = [];
  for (const q of [...queries, ...queries]) {
    await page.evaluate((query) => {
      history.pushState(null, '', `?${query}`);
      dispatchEvent(new PopStateEvent('popstate'));
    }, base.split('?')[1] + q);
    await settle();
    after.push(Math.round((rendererRss() - blank) / 2 ** 20));
  }
  await context.close();
  return { tab_mb_after_each: after, tab_mb_max: Math.max(...after) };
}

const server = await serve(Object.fromEntries([
  ['/app/', site], ...sets.filter(([, d]) => d).map(([n, d]) => [`/data-${n}/`, d]),
]), { gzip: true, maxAge: 600 });
const browser = await launch();
const results = {};
try {
  const blank = await blankRss(browser);
  for (const [name, dir] of sets) {
    const data = dir ? `data=${encodeURIComponent(`${server.url}/data-${name}/`)}&` : '';
    const base = `${server.url}/app/?${data}`;
    const manifest = JSON.parse(fs.readFileSync(path.join(dir || path.join(site, 'data'), 'manifest.json'), 'utf8'));
    const other = encodeURIComponent(manifest.n_models > 100 ? 'Segmentation' : 'Object Detection');
    // Every layer-level column: the site's own and the ones every site has.
    const layerColumns = [...manifest.layer_columns, 'conv_depth', 'in_channels', 'out_channels'];
    const views = {
      overview: 'view=overview',
      task_heatmap: 'view=compare&by=Task',
      model_heatmap: 'view=compare&by=model',
      depth_heatmap: 'view=compare&by=depth',
      pair_task: `view=pair&by=Task&a=Classification&b=${other}`,
      // Two large groups: one Task against every other model.
      pair_task_rest: 'view=pair&by=Task&a=Classification&b=the%20rest',
      // Two groups of a layer-level column (every model has a first and a second conv).
      pair_conv_depth: 'view=pair&by=conv_depth&a=0&b=1',
      pair_conv_depth_rest: 'view=pair&by=conv_depth&a=0&b=the%20rest',
      model_view: 'view=model',
      // Grouped by a layer-level column: its per-value sums.
      ...Object.fromEntries(layerColumns.map((c) => [`by_${c.replace(/\W+/g, '_')}`, `view=compare&by=${encodeURIComponent(c)}`])),
      // A model-level grouping among the layers of one layer-level value (every model has a first conv).
      task_where_conv_depth: 'view=compare&by=Task&where=conv_depth:0',
      // A model-level column crossed with depth: its per-(value, bucket) sums.
      task_where_depth: `view=compare&by=Task&where=${encodeURIComponent('depth:(0.4, 0.5]')}`,
      depth_where_task: 'view=compare&by=depth&where=Task:Classification',
      pair_task_where_depth: `view=pair&by=Task&a=Classification&b=${other}&where=${encodeURIComponent('depth:(0.4, 0.5]')}`,
      // Two Tasks among one conv_depth's layers, their own PCA: a row of each Task's sums.
      pair_task_where_conv_depth: `view=pair&by=Task&a=Classification&b=${other}&where=conv_depth:0`,
      quality_task: 'view=quality&by=Task',
      quality_conv_depth: 'view=quality&by=conv_depth',
      // Bootstrap intervals and noise floors, 1000 replicates (the page's default).
      task_intervals: 'view=compare&by=Task&ci=1000',
      depth_intervals: 'view=compare&by=depth&ci=1000',
      // Intervals resample models: a layer-level grouping then needs each model's part.
      // At the default resampling the site stores them; weighed by models too; another seed
      // resamples each (value, model)'s counts.
      conv_depth_intervals: 'view=compare&by=conv_depth&ci=1000',
      conv_depth_models_intervals: 'view=compare&by=conv_depth&weight=models&ci=1000',
      conv_depth_intervals_seed1: 'view=compare&by=conv_depth&ci=1000&seed=1',
      in_channels_intervals: 'view=compare&by=in_channels&ci=1000',
      task_where_conv_depth_intervals: 'view=compare&by=Task&where=conv_depth:0&ci=1000',
      // Each model weighing the same: each conv_depth value's sum of its models' shares.
      conv_depth_models: 'view=compare&by=conv_depth&weight=models',
      // And by depth: each bucket's sum.
      depth_models: 'view=compare&by=depth&weight=models',
      // Where the sums first did not answer: a model-level column among two depth buckets (a
      // model may be in both), and each model weighing the same among one Task's models (now
      // that Task's per-(value, bucket) sums of shares; by conv_depth, its sums among them).
      task_where_two_depths: `view=compare&by=Task&where=${encodeURIComponent('depth:(0.4, 0.5]')}&where=${encodeURIComponent('depth:(0.5, 0.6]')}`,
      depth_models_where_task: 'view=compare&by=depth&weight=models&where=Task:Classification',
      conv_depth_models_where_task: 'view=compare&by=conv_depth&weight=models&where=Task:Classification',
      // A layer-level grouping among one Task's models, by filters, and a pair of two of its
      // groups there (their own PCA): the column's sums among those models.
      conv_depth_where_task: 'view=compare&by=conv_depth&where=Task:Classification',
      pair_conv_depth_where_task: 'view=pair&by=conv_depth&a=0&b=1&where=Task:Classification',
      // A layer-level column crossed with depth, each group one (value, bucket): the column's
      // per-(value, bucket) sums, that bucket's file of them or the chunk listing that value.
      in_channels_where_depth: `view=compare&by=in_channels&where=${encodeURIComponent('depth:(0.4, 0.5]')}`,
      conv_depth_where_depth: `view=compare&by=conv_depth&where=${encodeURIComponent('depth:(0.4, 0.5]')}`,
      depth_where_conv_depth: 'view=compare&by=depth&where=conv_depth:1',
      // The same weighed by models: each row's sum of its models' shares.
      conv_depth_models_where_depth: `view=compare&by=conv_depth&weight=models&where=${encodeURIComponent('depth:(0.4, 0.5]')}`,
      depth_models_where_conv_depth: 'view=compare&by=depth&weight=models&where=conv_depth:1',
    };
    const r = { filters: manifest.n_filters, layers: manifest.n_layers, models: manifest.n_models };
    // VIEWS=a,b measures only those views.
    for (const [view, q] of Object.entries(views).filter(([v]) => !process.env.VIEWS || process.env.VIEWS.split(',').includes(v))) {
      const row = {};
      for (const [ln, link] of Object.entries(LINKS).filter(([n]) => !process.env.LINKS || process.env.LINKS.split(',').includes(n))) {
        const runs = [];
        for (let k = 0; k < RUNS; k++) runs.push(await open(browser, base + q, link, blank));
        const m = (f) => median(runs.map(f));
        Object.assign(row, {
          [`first_plot_ms_${ln}`]: Math.round(m((x) => x.first)),
          [`bytes_first_plot_${ln}`]: m((x) => x.bytesFirst),
          [`bytes_visit_${ln}`]: m((x) => x.bytes),
          [`tab_mb_${ln}`]: Math.round(m((x) => x.tab)),
          [`longest_task_ms_${ln}`]: Math.round(m((x) => x.longest)),
          ...(q.includes('ci=') && runs.every((x) => x.after !== null) ? { [`intervals_after_ms_${ln}`]: Math.round(m((x) => x.after)) } : {}),
          ...(runs.some((x) => x.asked !== null) ? { [`asked_mb_${ln}`]: m((x) => x.asked ?? 0) } : {}),
        });
      }
      r[view] = row;
      console.error(name, view, JSON.stringify(row));
    }
    if (!process.env.NO_SEQUENCE) {
      r.sequence = await sequence(browser, base, Object.values(views), blank);
      console.error(name, 'sequence', JSON.stringify(r.sequence));
    }
    results[name] = r;
  }
} finally {
  await browser.close();
  server.close();
}
console.log(JSON.stringify(results, null, 1));

// One table of every view, each figure against its budget (an asterisk: over it), and what the
// page asked before downloading.
const over = [];
const cols = [...Object.keys(BUDGET), 'asked_mb_50mbit', 'asked_mb_4g'];
console.error(`| site | view | ${cols.join(' | ')} |`);
console.error(`|${'---|'.repeat(cols.length + 2)}`);
for (const [name, r] of Object.entries(results)) {
  for (const [view, row] of Object.entries(r)) {
    if (typeof row !== 'object' || view === 'sequence') continue;
    const cells = cols.map((c) => {
      if (row[c] === undefined) return '-';
      const bad = BUDGET[c] !== undefined && row[c] > BUDGET[c];
      if (bad) over.push(`${name} ${view}: ${c} ${row[c]} > ${BUDGET[c]}`);
      return `${row[c]}${bad ? '*' : ''}`;
    });
    console.error(`| ${name} | ${view} | ${cells.join(' | ')} |`);
  }
}
if (check && over.length) {
  console.error(`over the visit budget:\n  ${over.join('\n  ')}`);
  process.exit(1);
}
