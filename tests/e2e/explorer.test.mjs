// End-to-end: the built site (cargo xtask site) in Debian's headless Chromium, served under
// /filterscope/ as GitHub Pages serves a project site. Env: SITE_DIR (the built site),
// DATA_PREP (the data-prep binary), SHOTS_DIR (where screenshots go).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { launch } from './browser.mjs';
import { serve } from './serve.mjs';
import { drawn, until } from './wait.mjs';

const SITE = process.env.SITE_DIR;
const DATA_PREP = process.env.DATA_PREP;
const SHOTS = process.env.SHOTS_DIR || path.join(os.tmpdir(), 'filterscope-shots');
assert.ok(SITE && fs.existsSync(path.join(SITE, 'index.html')), 'SITE_DIR must hold a built site');
assert.ok(DATA_PREP && fs.existsSync(DATA_PREP), 'DATA_PREP must name the data-prep binary');

let browser, server, broken, synth, flaky, mounts;

/** The file of `dir` whose content-addressed name starts with `stem-` (e.g. 'model-counts'). */
function dataFile(dir, stem) {
  const re = new RegExp(`^${stem}-[0-9a-f]{16}\\.arrow$`);
  const f = fs.readdirSync(dir).find((n) => re.test(n));
  assert.ok(f, `${dir} has a ${stem} file`);
  return path.join(dir, f);
}

/** The stem of the data worker's files in the built site `dir` (named by content by the site
 * build, and by the page's `<meta name="filterscope-worker">`). */
function workerStem(dir) {
  const html = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
  const m = html.match(/<meta name="filterscope-worker" content="(filterscope-worker-[0-9a-f]{16})_loader\.js">/);
  assert.ok(m, `${dir}/index.html names its worker by content`);
  return m[1];
}

/** A copy of the site whose data is damaged by `damage(dataDir)`. */
function damagedCopy(name, damage) {
  const dir = path.join(broken, name);
  fs.cpSync(SITE, dir, { recursive: true });
  damage(path.join(dir, 'data'));
  return dir;
}

before(async () => {
  broken = fs.mkdtempSync(path.join(os.tmpdir(), 'filterscope-e2e-'));
  const missing = damagedCopy('missing', (d) => fs.rmSync(dataFile(d, 'model-counts')));
  const corrupt = damagedCopy('corrupt', (d) => {
    const f = dataFile(d, 'sketches-0000');
    const b = fs.readFileSync(f);
    b[Math.floor(b.length / 2)] ^= 0xff;
    fs.writeFileSync(f, b);
  });
  const truncated = damagedCopy('truncated', (d) => {
    const f = dataFile(d, 'models');
    fs.writeFileSync(f, fs.readFileSync(f).subarray(0, 100));
  });
  // Missing until the test puts the file back: the retry must then load it.
  flaky = damagedCopy('flaky', (d) => {
    const f = dataFile(d, 'model-counts');
    fs.renameSync(f, `${f}.away`);
  });
  // A worker of another version: its Ready message names another protocol.
  const oldWorker = damagedCopy('oldworker', (d) => {
    const stem = workerStem(path.join(d, '..'));
    fs.writeFileSync(path.join(d, '..', `${stem}_loader.js`), `
      const post = self.postMessage.bind(self);
      self.postMessage = (m, t) => post(Array.isArray(m) && typeof m[0] === 'string'
        ? [m[0].replace(/"protocol":\\d+/, '"protocol":1'), ...m.slice(1)] : m, t);
      importScripts('./${stem}.js');
      wasm_bindgen('./${stem}_bg.wasm');`);
  });
  const badManifest = damagedCopy('badformat', (d) => {
    const f = path.join(d, 'manifest.json');
    fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace(/"format_version": \d+/, '"format_version": 99'));
  });
  // A site with 120 models: its model heatmap is drawn as one bitmap (web/src/page/plot/mod.rs BITMAP_CELLS).
  synth = path.join(broken, 'synth');
  execFileSync(DATA_PREP, ['synth', '--site-only', '--models', '120', '--layers', '480', '--filters', '300000', '--quiet', '--out', synth]);
  mounts = {
    '/swap/': path.join(SITE, 'data'),
    '/synth/': synth,
    '/filterscope/': SITE, '/elsewhere/': path.join(SITE, 'data'), '/missing/': missing, '/corrupt/': corrupt, '/truncated/': truncated, '/badformat/': badManifest, '/flaky/': flaky, '/oldworker/': oldWorker,
  };
  server = await serve(mounts);
  browser = await launch();
  fs.mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  server?.close();
  if (broken) fs.rmSync(broken, { recursive: true, force: true });
});

async function page(colorScheme = 'light', viewport = { width: 1300, height: 1000 }) {
  const ctx = await browser.newContext({ viewport, colorScheme });
  const p = await ctx.newPage();
  const errors = [];
  p.on('pageerror', (e) => errors.push(String(e)));
  p.errors = errors;
  return p;
}

/** Waits until the pair view names its two groups (its data has arrived). */
async function pairShown(p) {
  await p.waitForFunction(() => / vs /.test(document.querySelector('#pair-h')?.textContent || ''), null, { timeout: 30000 });
}

async function loaded(p) {
  await p.waitForFunction(() => !document.querySelector('#progress') && !document.querySelector('#load-error'), null, { timeout: 60000 });
}

function cli(...args) {
  return JSON.parse(execFileSync(DATA_PREP, args, { encoding: 'utf8' }));
}

test('first plot appears and the counts are the data\'s', async () => {
  const p = await page();
  await p.goto(`${server.url}/filterscope/`);
  await drawn(p, '#eigen');
  const stats = cli('stats', path.join(SITE, 'data'), '--json');
  assert.equal(await p.textContent('#n-filters'), String(stats.n_filters));
  assert.equal(await p.textContent('#n-models'), String(stats.n_models));
  assert.deepEqual(p.errors, []);
});

test('the compare table equals data-prep compare --json', async () => {
  const p = await page();
  await p.goto(`${server.url}/filterscope/?view=compare&by=Task&order=mean`);
  await loaded(p);
  await drawn(p, '#heatmap');
  await p.click('#heatmap button:has-text("data")');
  const rows = await p.$$eval('#heatmap-data tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
  const want = cli('compare', path.join(SITE, 'data'), '--by', 'Task', '--json');
  assert.equal(rows.length, want.groups.length);
  const labels = rows.map((r) => r[0].replace(/ \(\d+\)\*?$/, ''));
  assert.deepEqual([...labels].sort(), [...want.groups].sort());
  rows.forEach((r, i) => {
    const gi = want.groups.indexOf(labels[i]);
    assert.match(r[0], new RegExp(`\\(${want.n_models[gi]}\\)${want.n_models[gi] < 3 ? '\\*' : ''}$`), `label ${r[0]} carries the model count, marked when under 3`);
    r.slice(1).forEach((cell, j) => {
      const gj = want.groups.indexOf(labels[j]);
      assert.equal(Number(cell), want.D[gi][gj], `D[${labels[i]}][${labels[j]}]`);
    });
  });
  // The figure's one-sentence summary names the table's largest and smallest pair.
  const summary = await p.textContent('#heatmap-summary');
  const m = summary.match(/largest ([\d.]+) between (.+) and (.+); smallest ([\d.]+) between (.+) and (.+)\.$/);
  assert.ok(m, summary);
  const cell = (a, b) => Number(rows[labels.indexOf(a.replace(/ \(\d+\)\*?$/, ''))][1 + labels.indexOf(b.replace(/ \(\d+\)\*?$/, ''))]);
  const off = rows.flatMap((r, i) => r.slice(1).map(Number).filter((_, j) => j > i));
  assert.equal(Number(m[1]), Number(Math.max(...off).toPrecision(4)));
  assert.equal(Number(m[1]), Number(cell(m[2], m[3]).toPrecision(4)));
  assert.equal(Number(m[4]), Number(Math.min(...off).toPrecision(4)));
  assert.equal(Number(m[4]), Number(cell(m[5], m[6]).toPrecision(4)));
  // Rows are sorted by mean drift, as the notebook orders them.
  const means = rows.map((r) => r.slice(1).reduce((a, c) => a + Number(c), 0));
  assert.deepEqual(means, [...means].sort((a, b) => a - b));
});

test('a layer-level comparison (per-layer chunks merged in the worker) equals data-prep', async () => {
  const p = await page();
  const data = encodeURIComponent(`${server.url}/synth/`);
  await p.goto(`${server.url}/filterscope/?data=${data}&view=compare&by=conv_depth&where=Task:Classification`);
  await drawn(p, '#heatmap');
  await p.click('#heatmap button:has-text("data")');
  const rows = await p.$$eval('#heatmap-data tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
  const want = cli('compare', synth, '--by', 'conv_depth', '--where', 'Task=Classification', '--json');
  assert.equal(rows.length, want.groups.length);
  const labels = rows.map((r) => r[0].replace(/ \(\d+\)\*?$/, ''));
  rows.forEach((r, i) => r.slice(1).forEach((cell, j) => {
    assert.equal(Number(cell), want.D[want.groups.indexOf(labels[i])][want.groups.indexOf(labels[j])]);
  }));
  assert.deepEqual(p.errors, []);
});

test('clicking a heatmap cell opens the pair, and a permalink reopens it', async () => {
  const p = await page();
  await p.goto(`${server.url}/filterscope/?view=compare&by=Task`);
  await loaded(p);
  await drawn(p, '#heatmap');
  const box = await p.locator('#heatmap canvas').first().boundingBox();
  // The bottom-left cell is row n-1, column 0: two different groups.
  await p.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.75);
  await p.waitForURL(/view=pair/);
  await pairShown(p);
  const url = p.url();
  const title = await p.textContent('#pair-h');
  assert.match(title, / vs /);
  await drawn(p, '#d-per-component');
  const fresh = await page();
  await fresh.goto(url);
  await pairShown(fresh);
  await drawn(fresh, '#d-per-component');
  assert.equal(await fresh.textContent('#pair-h'), title);
  // The pair's D per component sums to the compare matrix's entry.
  await fresh.click('#d-per-component button:has-text("data")');
  const parts = await fresh.$$eval('#d-per-component-data tbody tr td:nth-child(2)', (tds) => tds.map((t) => Number(t.textContent)));
  const [a, b] = title.split(' vs ');
  const want = cli('compare', path.join(SITE, 'data'), '--by', 'Task', '--json');
  const d = want.D[want.groups.indexOf(a)][want.groups.indexOf(b)];
  assert.ok(Math.abs(parts.reduce((x, y) => x + y, 0) - d) < 1e-12 * Math.max(1, d), `${parts} vs ${d}`);
});

test('the pair is reachable by keyboard and shows both groups\' c0/c1 densities', async () => {
  const p = await page();
  await p.goto(`${server.url}/filterscope/?view=pair&by=Task`);
  await loaded(p);
  await p.focus('#pick-b');
  await p.selectOption('#pick-b', 'Text Recognition');
  await p.waitForURL(/b=Text(\+|%20)Recognition/);
  // The heading follows once the worker has answered for the new pair.
  await p.waitForFunction(() => / vs Text Recognition$/.test(document.querySelector('#pair-h')?.textContent || ''), null, { timeout: 30000 });
  await drawn(p, '#density-a');
  await drawn(p, '#density-b');
  // B can be every other group at once, and a permalink keeps it.
  const a = await p.inputValue('#pick-a');
  await p.selectOption('#pick-b', 'the rest');
  await p.waitForURL(/b=the(\+|%20)rest/);
  await p.waitForFunction((a) => document.querySelector('#pair-h')?.textContent === `${a} vs the rest`, a, { timeout: 30000 });
  await drawn(p, '#d-per-component');
  await drawn(p, '#density-b');
  await drawn(p, '#eigen-b');
  const fresh = await page();
  await fresh.goto(p.url());
  await pairShown(fresh);
  assert.equal(await fresh.textContent('#pair-h'), `${a} vs the rest`);
});

test('the model view\'s layer numbers equal data-prep layers --json', async () => {
  const p = await page();
  await p.goto(`${server.url}/filterscope/?view=model&model=ppocrv4-det`);
  await loaded(p);
  await drawn(p, '#model-profile');
  await p.click('#model-profile button:has-text("data")');
  const rows = await p.$$eval('#model-profile-data tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => Number(td.textContent))));
  const want = cli('layers', path.join(SITE, 'data'), '--json').filter((l) => l.model === 'ppocrv4-det');
  assert.equal(rows.length, want.length);
  const sorted = (v) => [...v].sort((a, b) => a - b);
  assert.deepEqual(sorted(rows.map((r) => r[1])), sorted(want.map((l) => l.sparsity)));
  assert.deepEqual(sorted(rows.map((r) => r[2])), sorted(want.map((l) => l.variance_entropy_ratio)));
  assert.match(await p.textContent('#model-meta'), /Apache-2\.0/);
});

test('?data= loads the data from another base URL and links keep it', async () => {
  const p = await page();
  await p.goto(`${server.url}/filterscope/?data=${encodeURIComponent(`${server.url}/elsewhere/`)}`);
  await drawn(p, '#eigen');
  await p.click('nav a:has-text("Compare")');
  await p.waitForURL(/view=compare/);
  assert.match(p.url(), /data=.*elsewhere/);
  await loaded(p);
  await drawn(p, '#heatmap');
});

test('back and forward move between views', async () => {
  const p = await page();
  await p.goto(`${server.url}/filterscope/`);
  await drawn(p, '#eigen');
  await p.click('nav a:has-text("Compare")');
  await p.waitForSelector('#compare-h');
  await p.click('nav a:has-text("Model")');
  await p.waitForSelector('#model-h');
  await p.goBack();
  await p.waitForSelector('#compare-h');
  await p.goBack();
  await p.waitForSelector('#overview-h');
  await p.goForward();
  await p.waitForSelector('#compare-h');
  assert.match(p.url(), /view=compare/);
});

test('a bad URL parameter shows a notice and a sane default', async () => {
  const p = await page();
  await p.goto(`${server.url}/filterscope/?view=nonsense&colour=red`);
  await p.waitForSelector('#notice');
  assert.match(await p.textContent('#notice'), /view=nonsense.*colour=red/);
  await drawn(p, '#eigen');
  const q = await page();
  await q.goto(`${server.url}/filterscope/?view=compare&by=NoSuchColumn`);
  await q.waitForSelector('.notice');
  assert.match(await q.textContent('main'), /no column "NoSuchColumn"/);
});

for (const [name, view, expect] of [
  ['missing', 'compare&by=model', /model-counts-[0-9a-f]{16}\.arrow: HTTP 404/],
  ['corrupt', 'model', /sketches-0000-[0-9a-f]{16}\.arrow: sha256 .* does not match/],
  ['truncated', 'overview', /models-[0-9a-f]{16}\.arrow: 100 bytes, the manifest says \d+ \(truncated/],
  ['badformat', 'overview', /version 99 is not/],
]) {
  test(`a ${name} file shows its error and a retry`, async () => {
    const p = await page();
    await p.goto(`${server.url}/${name}/?view=${view}`);
    await p.waitForSelector('#load-error', { timeout: 30000 });
    assert.match(await p.textContent('#load-error'), expect);
    assert.ok(await p.isVisible('#load-error button:has-text("Retry")'));
  });
}

test('a data worker of another version is refused with a message to reload', async () => {
  const p = await page();
  await p.goto(`${server.url}/oldworker/?view=compare&by=Task`);
  await p.waitForSelector('#load-error', { timeout: 30000 });
  assert.match(await p.textContent('#load-error'), /different versions .* reload the page/);
});

test('retry loads a file that failed once it is there', async () => {
  const p = await page();
  await p.goto(`${server.url}/flaky/?view=compare&by=model`);
  await p.waitForSelector('#load-error', { timeout: 30000 });
  assert.match(await p.textContent('#load-error'), /model-counts-[0-9a-f]{16}\.arrow: HTTP 404/);
  const data = path.join(flaky, 'data');
  const away = fs.readdirSync(data).find((n) => n.endsWith('.away'));
  fs.renameSync(path.join(data, away), path.join(data, away.replace(/\.away$/, '')));
  await p.click('#load-error button:has-text("Retry")');
  await drawn(p, '#heatmap');
  assert.equal(await p.isVisible('#load-error'), false);
  assert.deepEqual(p.errors, []);
});

test('a 120-model heatmap is drawn as one bitmap, equals data-prep, and a cell opens its pair', async () => {
  const p = await page();
  const data = encodeURIComponent(`${server.url}/synth/`);
  await p.goto(`${server.url}/filterscope/?data=${data}&view=compare&by=model`);
  await loaded(p);
  await drawn(p, '#heatmap');
  const measures = await p.evaluate(() => performance.getEntriesByName('filterscope:draw:heatmap').map((e) => e.duration));
  assert.ok(measures.length > 0, 'the heatmap draw is measured');
  await p.click('#heatmap button:has-text("data")');
  const rows = await p.$$eval('#heatmap-data tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
  const want = cli('compare', synth, '--by', 'model', '--json');
  assert.equal(rows.length, 120);
  const labels = rows.map((r) => r[0].replace(/ \(\d+\)\*?$/, ''));
  rows.forEach((r, i) => r.slice(1).forEach((cell, j) => {
    assert.equal(Number(cell), want.D[want.groups.indexOf(labels[i])][want.groups.indexOf(labels[j])]);
  }));
  await p.click('#heatmap button:has-text("data")');
  const box = await p.locator('#heatmap canvas').first().boundingBox();
  await p.mouse.click(box.x + box.width * 0.45, box.y + box.height * 0.6);
  await p.waitForURL(/view=pair/);
  await pairShown(p);
  const [a, b] = (await p.textContent('#pair-h')).split(' vs ');
  assert.notEqual(a, b);
  await drawn(p, '#d-per-component');
  await p.click('#d-per-component button:has-text("data")');
  const parts = await p.$$eval('#d-per-component-data tbody tr td:nth-child(2)', (tds) => tds.map((t) => Number(t.textContent)));
  const d = want.D[want.groups.indexOf(a)][want.groups.indexOf(b)];
  assert.ok(Math.abs(parts.reduce((x, y) => x + y, 0) - d) < 1e-12 * Math.max(1, d), `${parts} vs ${d}`);
  await p.screenshot({ path: path.join(SHOTS, 'compare-120-models.png') });
  assert.deepEqual(p.errors, []);
});

/** The data files (by stem, e.g. 'model-counts', 'sketches') requested under `prefix` since `from`. */
function fetched(prefix, from) {
  return server.requests.slice(from)
    .filter((r) => r.startsWith(prefix) && r.endsWith('.arrow'))
    .map((r) => path.basename(r).replace(/-[0-9a-f]{16}\.arrow$/, ''));
}
const stems = (files) => [...new Set(files.map((f) => f.replace(/-\d{4}$/, '')))].sort();

test('each view fetches only the data it needs', async () => {
  const synthData = encodeURIComponent(`${server.url}/synth/`);
  const visit = async (query, figure, mark) => {
    const p = await page();
    const from = server.requests.length;
    await p.goto(`${server.url}/filterscope/?data=${synthData}&${query}`);
    await drawn(p, figure);
    if (mark) await p.waitForFunction((m) => performance.getEntriesByName(m).length > 0, mark, { timeout: 60000 });
    await loaded(p);
    const files = fetched('/synth/', from);
    await p.context().close();
    return files;
  };
  // The overview: the models table only; a Task comparison adds Task's per-value sums, a model
  // comparison the per-model counts.
  const manifest = JSON.parse(fs.readFileSync(path.join(synth, 'manifest.json'), 'utf8'));
  const task = manifest.values.findIndex((v) => v.column === 'Task');
  assert.ok(task >= 0 && manifest.values[task].cells.length === 0, 'Task has totals only');
  assert.deepEqual(stems(await visit('view=overview', '#counts-task')), ['models']);
  assert.deepEqual(stems(await visit('view=compare&by=Task', '#heatmap')), ['models', `values-${task}`]);
  assert.deepEqual(stems(await visit('view=compare&by=model&where=Task:Classification', '#heatmap')), ['model-counts', 'models']);
  // By depth: the per-bucket table, no per-layer data, no samples.
  assert.deepEqual(stems(await visit('view=compare&by=depth', '#heatmap')), ['depths', 'models']);
  // Weighed by models: each bucket's sum of its models' shares, not every (model, bucket).
  assert.deepEqual(stems(await visit('view=compare&by=depth&weight=models', '#heatmap')), ['depths-models', 'models']);
  // By a layer-level column: that column's per-value sums (conv_depth's are values-0).
  assert.equal(manifest.values[0].column, 'conv_depth');
  assert.deepEqual(stems(await visit('view=compare&by=conv_depth', '#heatmap')), ['models', 'values-0']);
  // Weighed by models: its values' sums of model shares instead (no cells, no per-layer sketch).
  assert.deepEqual(stems(await visit('view=compare&by=conv_depth&weight=models', '#heatmap')), ['models', 'values-0-models']);
  // Among one Task's models: the column's sums among them, by filters or weighed by models (not
  // every (value, model)'s cells: a Task's models have every conv_depth).
  const among = manifest.values[0].among.find((a) => a.column === 'Task' && a.value === 'Classification');
  const stem = (e) => e.file.replace(/-[0-9a-f]{16}\.arrow$/, '');
  const amongTask = await visit('view=compare&by=conv_depth&where=Task:Classification', '#heatmap');
  assert.deepEqual(stems(amongTask), ['models', stem(among.totals)]);
  const amongShares = await visit('view=compare&by=conv_depth&weight=models&where=Task:Classification', '#heatmap');
  assert.deepEqual(stems(amongShares), ['models', stem(among.shares)]);
  // A model-level grouping among one conv_depth's layers: the one chunk of cells listing it.
  const zero = manifest.values[0].cells.filter((c) => c.values.includes('0'));
  assert.equal(zero.length, 1);
  const crossed = await visit('view=compare&by=Task&where=conv_depth:0', '#heatmap');
  assert.deepEqual(crossed.sort(), [zero[0].file.replace(/-[0-9a-f]{16}\.arrow$/, ''), 'models'].sort());
  // Task among one depth bucket's layers: Task's per-(value, bucket) sums.
  const bucket = await visit(`view=compare&by=Task&where=${encodeURIComponent('depth:(0.4, 0.5]')}`, '#heatmap');
  assert.deepEqual(stems(bucket), ['models', `values-${task}-depth`]);
  // Among two buckets: the same sums, and each model's buckets (a model in both counts once).
  const twoBuckets = ['depth:(0.4, 0.5]', 'depth:(0.5, 0.6]'].map((w) => `where=${encodeURIComponent(w)}`).join('&');
  const two = await visit(`view=compare&by=Task&${twoBuckets}`, '#heatmap');
  assert.deepEqual(stems(two), ['model-buckets', 'models', `values-${task}-depth`]);
  // Weighed by models among one Task's models (or one bucket's layers): that Task's sums of
  // shares per bucket, not every (model, bucket)'s counts.
  const shares = await visit('view=compare&by=depth&weight=models&where=Task:Classification', '#heatmap');
  assert.deepEqual(stems(shares), ['models', `values-${task}-depth-models`]);
  // A layer-level column among one depth bucket's layers: its per-(value, bucket) sums, that
  // bucket's file of them only.
  const inBucket = await visit(`view=compare&by=in_channels&where=${encodeURIComponent('depth:(0.4, 0.5]')}`, '#heatmap');
  const inChannels = manifest.values.findIndex((v) => v.column === 'in_channels');
  assert.deepEqual(stems(inBucket), ['models', stem(manifest.values[inChannels].buckets[4])]);
  // Depth among one conv_depth's layers: the one chunk of those sums listing it.
  const one = manifest.values[0].depth_chunks.filter((c) => c.values.includes('1'));
  assert.equal(one.length, 1);
  const depthOf1 = await visit('view=compare&by=depth&where=conv_depth:1', '#heatmap');
  assert.deepEqual(stems(depthOf1), ['models', stem(one[0])]);
  // Both weighed by models: the same pieces of each row's sum of its models' shares.
  const sharesInBucket = await visit(`view=compare&by=in_channels&weight=models&where=${encodeURIComponent('depth:(0.4, 0.5]')}`, '#heatmap');
  assert.deepEqual(stems(sharesInBucket), ['models', stem(manifest.values[inChannels].bucket_shares[4])]);
  const sharesOf1 = manifest.values[0].depth_share_chunks.filter((c) => c.values.includes('1'));
  assert.equal(sharesOf1.length, 1);
  const depthOf1Models = await visit('view=compare&by=depth&weight=models&where=conv_depth:1', '#heatmap');
  assert.deepEqual(stems(depthOf1Models), ['models', stem(sharesOf1[0])]);
  // Two layer-level columns: the layers table and every sketch chunk, no samples.
  const layerLevel = await visit('view=compare&by=in_channels&where=conv_depth:0', '#heatmap');
  const chunks = manifest.sketches.length;
  assert.ok(chunks > 1, 'the synthetic site has several chunks');
  assert.deepEqual(stems(layerLevel), ['layers', 'models', 'sketches']);
  assert.equal(layerLevel.filter((f) => f.startsWith('sketches')).length, chunks);
  // Intervals by conv_depth resample its models: each (value, model)'s cells, streamed (or kept,
  // when few), never every per-layer sketch.
  const resampled = await visit('view=compare&by=conv_depth&ci=50', '#heatmap', 'filterscope:intervals');
  assert.ok(!resampled.some((f) => f.startsWith('sketches')), resampled.join(' '));
  const cellsOf0 = resampled.filter((f) => f.startsWith('cells-0-'));
  assert.equal(cellsOf0.length, manifest.values[0].cells.length, resampled.join(' '));
  // A model view: that model's one sketch chunk and one sample chunk.
  const m = JSON.parse(fs.readFileSync(path.join(synth, 'manifest.json'), 'utf8'));
  const model = cli('layers', synth, '--json')[0].model;
  const files = await visit(`view=model&model=${encodeURIComponent(model)}`, '#model-samples');
  assert.deepEqual(stems(files), ['depths', 'layers', 'models', 'samples', 'sketches']);
  assert.equal(files.filter((f) => f.startsWith('samples')).length, 1, files.join(' '));
  assert.equal(files.filter((f) => f.startsWith('sketches')).length, 1, files.join(' '));
  assert.ok(m.samples.length > 1);
  // A pair of two models: their lite sample chunks only, no per-layer sketch, no full samples.
  const [a, b] = cli('compare', synth, '--by', 'model', '--json').groups;
  const pair = await visit(`view=pair&by=model&a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`, '#density-b');
  assert.deepEqual(stems(pair), ['layers', 'lite', 'lite-cells', 'model-counts', 'model-moments', 'models', 'quality']);
  assert.ok(pair.filter((f) => f.startsWith('lite')).length <= 2, pair.join(' '));
  // A pair of two conv_depth groups, their own PCA drawn: the column's per-value sums hold their
  // counts and moments, so no per-layer sketch.
  const depthPair = await visit('view=pair&by=conv_depth&a=0&b=1', '#eigen-b');
  assert.deepEqual(stems(depthPair), ['layers', 'lite', 'lite-cells', 'models', 'quality', 'values-0']);
  // A pair of two Tasks among conv_depth 0's layers, their own PCA drawn: one row of
  // conv_depth's sums among each Task's models holds each group's moments, so no per-layer
  // sketch either.
  const [ta, tb] = manifest.values[0].among.filter((a) => a.column === 'Task').map((a) => encodeURIComponent(a.value));
  const taskPair = await visit(`view=pair&by=Task&a=${ta}&b=${tb}&where=conv_depth:0`, '#eigen-b');
  assert.ok(!taskPair.some((f) => f.startsWith('sketches')), taskPair.join(' '));
  assert.ok(taskPair.some((f) => /^values-0-among-\d+-\d{3}$/.test(f)), taskPair.join(' '));
});

test('a second visit fetches no data, and a visited page reloads offline', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1300, height: 1000 } });
  const p = await ctx.newPage();
  await p.goto(`${server.url}/filterscope/?view=compare&by=Task`);
  await drawn(p, '#heatmap');
  await loaded(p);
  // The service worker has kept the app once it is ready.
  await p.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  await p.waitForFunction(async () => (await (await caches.open('filterscope-app')).keys())
    .some((r) => /filterscope-worker-[0-9a-f]{16}_bg\.wasm$/.test(r.url)));
  const from = server.requests.length;
  const again = await ctx.newPage();
  await again.goto(`${server.url}/filterscope/?view=compare&by=Task`);
  await drawn(again, '#heatmap');
  await loaded(again);
  assert.deepEqual(fetched('/filterscope/', from), [], 'no data file is fetched again');
  // Offline: the app from the service worker, the data from the cache (the first page, which
  // loaded before the service worker was active).
  await ctx.setOffline(true);
  await p.reload();
  await drawn(p, '#heatmap');
  assert.equal(await p.isVisible('#load-error'), false);
  await ctx.setOffline(false);
  await ctx.close();
});

test('a new deploy\'s manifest replaces the old data, and its files leave the cache', async () => {
  const ctx = await browser.newContext();
  const p = await ctx.newPage();
  const url = `${server.url}/filterscope/?data=${encodeURIComponent(`${server.url}/swap/`)}&view=compare&by=Task`;
  await p.goto(url);
  await drawn(p, '#heatmap');
  await loaded(p);
  const cached = () => p.evaluate(async () => (await (await caches.open('filterscope-data')).keys())
    .map((r) => r.url.split('/').pop()).filter((n) => n.endsWith('.arrow')).sort());
  const before = await cached();
  // The models table and what the comparison read (the sample's Task has a value per model:
  // the per-model counts).
  assert.ok(before.some((n) => n.startsWith('model-counts-')), before.join(' '));
  // Deploy another site at the same URL.
  mounts['/swap/'] = synth;
  await p.goto(url.replace('view=compare&by=Task', 'view=overview'));
  await p.waitForFunction(() => document.querySelector('#n-models')?.textContent === '120', null, { timeout: 30000 });
  // The worker removes the old deploy's files after it opened the new one: wait for that.
  await until(async () => (await cached()).every((n) => !before.includes(n)), 'the old files to leave the cache');
  const after = await cached();
  assert.deepEqual(after.filter((n) => before.includes(n)), [], 'no file of the old deploy is kept');
  mounts['/swap/'] = path.join(SITE, 'data');
  await ctx.close();
});

/** Another build of the site at `dst`: the same app with its worker under another content name
 * (as a rebuilt worker gets), and the data of `data`. */
function rebuilt(dst, data) {
  fs.cpSync(SITE, dst, { recursive: true });
  const old = workerStem(dst);
  const stem = old.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
  for (const ext of ['.js', '_bg.wasm']) fs.renameSync(path.join(dst, `${old}${ext}`), path.join(dst, `${stem}${ext}`));
  fs.rmSync(path.join(dst, `${old}_loader.js`));
  fs.writeFileSync(path.join(dst, `${stem}_loader.js`), `importScripts("./${stem}.js");wasm_bindgen("./${stem}_bg.wasm");`);
  const index = path.join(dst, 'index.html');
  fs.writeFileSync(index, fs.readFileSync(index, 'utf8').replace(`${old}_loader.js`, `${stem}_loader.js`));
  fs.rmSync(path.join(dst, 'data'), { recursive: true });
  fs.cpSync(data, path.join(dst, 'data'), { recursive: true });
  return stem;
}

test('a new deploy of the app: a reload starts the new page\'s own worker, whatever the HTTP cache holds', async () => {
  // Files kept for 10 minutes, as GitHub Pages lets browsers keep them.
  const site = { '/app/': SITE };
  const pages = await serve(site, { maxAge: 600 });
  const ctx = await browser.newContext();
  const p = await ctx.newPage();
  try {
    await p.goto(`${pages.url}/app/?view=overview`);
    await p.waitForFunction(() => document.querySelector('#n-models')?.textContent === '4', null, { timeout: 30000 });
    const first = workerStem(SITE);
    assert.ok(pages.requests.some((r) => r.endsWith(`/app/${first}_loader.js`)), 'the first visit starts its worker');
    site['/app/'] = path.join(broken, 'deploy-b');
    const second = rebuilt(site['/app/'], synth);
    const from = pages.requests.length;
    // A visitor's reload revalidates the page; the files it names may come from the cache.
    await p.reload();
    await p.waitForFunction(() => document.querySelector('#n-models')?.textContent === '120', null, { timeout: 30000 });
    const after = pages.requests.slice(from);
    for (const f of [`${second}_loader.js`, `${second}.js`, `${second}_bg.wasm`]) {
      assert.ok(after.some((r) => r.endsWith(`/app/${f}`)), `the reload fetched ${f}: ${after.join(' ')}`);
    }
    assert.equal(await p.isVisible('#load-error'), false);
  } finally {
    await ctx.close();
    await pages.close();
  }
});

test('every view draws, in light and dark (screenshots saved)', async () => {
  for (const scheme of ['light', 'dark']) {
    const p = await page(scheme);
    for (const [view, fig] of [['overview', '#eigen'], ['compare', '#heatmap'], ['pair', '#d-per-component'], ['model', '#model-profile']]) {
      await p.goto(`${server.url}/filterscope/?view=${view}`);
      await loaded(p);
      await drawn(p, fig);
      const file = path.join(SHOTS, `${view}-${scheme}.png`);
      const png = await p.screenshot({ path: file, fullPage: true });
      assert.ok(png.length > 20000, `${file} is not blank (${png.length} bytes)`);
      assert.equal(await p.evaluate(() => document.body.dataset.theme), scheme);
    }
    assert.deepEqual(p.errors, []);
  }
});

test('at phone size every canvas fits the screen and is drawn at its own size (screenshots saved)', async () => {
  const phone = { width: 390, height: 844 };
  for (const scheme of ['light', 'dark']) {
    const p = await page(scheme, phone);
    for (const [view, fig] of [['overview', '#eigen'], ['compare', '#heatmap'], ['pair', '#d-per-component'], ['model', '#model-profile']]) {
      await p.goto(`${server.url}/filterscope/?view=${view}`);
      await loaded(p);
      await drawn(p, fig);
      const canvases = await p.$$eval('figure.plot canvas', (cs) => cs.map((c) => {
        const r = c.getBoundingClientRect();
        return { id: c.closest('figure').id, right: r.right, css: r.width, px: c.width };
      }));
      assert.ok(canvases.length > 0);
      for (const c of canvases) {
        assert.ok(c.right <= phone.width, `${view}: #${c.id} ends at ${c.right} px, past the ${phone.width} px screen`);
        // Not a large canvas shrunk by CSS (which would shrink its labels with it).
        assert.ok(Math.abs(c.css - c.px) <= 1, `${view}: #${c.id} is ${c.px} px drawn into ${c.css} CSS px`);
      }
      const file = path.join(SHOTS, `${view}-${scheme}-phone.png`);
      const png = await p.screenshot({ path: file, fullPage: true });
      assert.ok(png.length > 20000, `${file} is not blank (${png.length} bytes)`);
    }
    assert.deepEqual(p.errors, []);
  }
});
