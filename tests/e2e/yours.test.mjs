// Your model: an ONNX file chosen in the page is held against the site in the browser; the numbers
// equal `data-prep yours --json`, nothing is requested once the file is chosen, and bad files give a
// clear message and leave the page usable. Env as for explorer.test.mjs (SITE_DIR, DATA_PREP).
// The fixtures come from fixtures/make.py.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from './browser.mjs';
import { serve } from './serve.mjs';
import { near, table } from './tables.mjs';
import { drawn, settled } from './wait.mjs';

const SITE = process.env.SITE_DIR;
const DATA_PREP = process.env.DATA_PREP;
assert.ok(SITE && fs.existsSync(path.join(SITE, 'index.html')), 'SITE_DIR must hold a built site');
assert.ok(DATA_PREP && fs.existsSync(DATA_PREP), 'DATA_PREP must name the data-prep binary');
const HERE = path.dirname(fileURLToPath(import.meta.url));
const SAMPLE = path.join(HERE, '../../data/sample');
const FIXTURES = path.join(HERE, 'fixtures');

let browser, server;

before(async () => {
  server = await serve({ '/filterscope/': SITE });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.close();
});

async function ready() {
  const ctx = await browser.newContext({ viewport: { width: 1300, height: 1000 } });
  const p = await ctx.newPage();
  p.errors = [];
  p.on('pageerror', (e) => p.errors.push(String(e)));
  await p.goto(`${server.url}/filterscope/?view=yours`);
  await p.waitForSelector('#yours-file:not([disabled])', { timeout: 30000 });
  // The app is kept for offline use once the view is ready: let that finish first.
  await p.evaluate(() => navigator.serviceWorker.ready);
  await p.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await settled(p);
  return p;
}

const cli = (file) => JSON.parse(execFileSync(DATA_PREP, ['yours', file, '--site', path.join(SITE, 'data'), '--json'], { encoding: 'utf8' }));

/** Chooses `file`, waits for its report, checks it against the CLI's; returns the requests made. */
async function checkModel(p, file) {
  const before = server.requests.length;
  await p.setInputFiles('#yours-file', file);
  await p.waitForSelector('#yours-summary', { timeout: 60000 });
  await checkShown(p, cli(file), path.basename(file));
  // The browser may check its service worker script for updates; it carries nothing of the page.
  return server.requests.slice(before).filter((u) => !u.endsWith('/sw.js'));
}

/** The view shows the CLI's report `want` of the model named `file` (layers and depth buckets
 * only where `partial` does not say they were left out). */
async function checkShown(p, want, file, partial = { layers: false, buckets: [] }) {
  await drawn(p, '#yours-nearest');
  const summary = await p.textContent('#yours-summary');
  assert.ok(summary.startsWith(`${path.basename(file)}: ${want.n_filters} filters in ${want.n_layers} 3x3 layers`), summary);
  assert.match(summary, new RegExp(`Nearest model: ${want.nearest[0].name} \\(D = ${want.nearest[0].d.toFixed(4)}\\)`));
  const nearest = await table(p, 'yours-nearest');
  assert.deepEqual(nearest.map((r) => r[0]), want.nearest.slice(0, 20).map((n) => n.name));
  nearest.forEach((r, i) => assert.ok(near(Number(r[1]), want.nearest[i].d), `${r} vs ${want.nearest[i].d}`));
  const layers = await table(p, 'yours-layers');
  assert.equal(layers.length, partial.layers ? 0 : want.layers.length);
  // A link holds the layers' quality as float32: seven digits.
  const close = partial.shared ? (a, b) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b)) : near;
  layers.forEach((r, i) => {
    assert.ok(close(Number(r[1]), want.layers[i].sparsity), `layer ${i} sparsity`);
    assert.ok(close(Number(r[2]), want.layers[i].variance_entropy_ratio), `layer ${i} H/TH`);
  });
  await p.selectOption('#yours-by', 'Task');
  const byTask = await table(p, 'yours-by-groups');
  assert.deepEqual(byTask.map((r) => r[0]), want.by.Task.map((g) => g.name));
  byTask.forEach((r, i) => assert.ok(near(Number(r[1]), want.by.Task[i].d)));
  const depth = await table(p, 'yours-depth');
  const wantDepth = want.depth_buckets.filter((b) => b.d !== null && !partial.buckets.includes(b.name));
  assert.deepEqual(depth.map((r) => r[0]), wantDepth.map((b) => b.name));
  depth.forEach((r, i) => assert.ok(near(Number(r[1]), wantDepth[i].d)));
}

test('each sample model, and a model in no site, give the CLI\'s numbers; nothing is requested after the choice', async () => {
  const p = await ready();
  const files = [...fs.readdirSync(SAMPLE).filter((f) => f.endsWith('.onnx')).map((f) => path.join(SAMPLE, f)), path.join(FIXTURES, 'tiny-cnn.onnx')];
  for (const f of files) {
    assert.deepEqual(await checkModel(p, f), [], `requests after choosing ${path.basename(f)}`);
  }
  // A model of the site is nearest to itself.
  const own = cli(path.join(SAMPLE, 'ddddocr_common_det.onnx'));
  assert.deepEqual([own.nearest[0].name, own.nearest[0].d], ['ddddocr-det', 0]);
  assert.deepEqual(p.errors, []);
});

test('a truncated file, a text file, a model without 3x3 convolutions and a 154 GB claim each say why; the page stays usable', async () => {
  const p = await ready();
  for (const [file, msg] of [['truncated.onnx', /truncated\.onnx: not an ONNX model/], ['not-onnx.onnx', /not-onnx\.onnx: not an ONNX model/],
    ['only-1x1.onnx', /only-1x1\.onnx: no 3x3 convolution filters to compare/],
    // A weight claiming 154 GB with 36 bytes of data: refused before anything is allocated.
    // (A 32-bit browser cannot even count its values: it says so.)
    ['huge-claim.onnx', /huge-claim\.onnx: tensor "w0": its shape \[65536, 65536, 3, 3\] has a negative size or more values than can be held here/]]) {
    await p.setInputFiles('#yours-file', path.join(FIXTURES, file));
    await p.waitForSelector('#yours-error', { timeout: 30000 });
    assert.match(await p.textContent('#yours-error'), msg);
    assert.equal(await p.isVisible('#yours-summary'), false, 'no numbers from a bad file');
  }
  assert.deepEqual(await checkModel(p, path.join(FIXTURES, 'tiny-cnn.onnx')), []);
  assert.deepEqual(p.errors, []);
});

/** numpy's default (linear) percentile of sorted `v`. */
function percentile(v, p) {
  const pos = p * (v.length - 1);
  const i = Math.floor(pos);
  return i + 1 < v.length ? v[i] + (v[i + 1] - v[i]) * (pos - i) : v[i];
}

test('the Quality view\'s boxes and degenerated shares equal data-prep layers, grouped as the models table says', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1300, height: 1000 } });
  const p = await ctx.newPage();
  const errors = [];
  p.on('pageerror', (e) => errors.push(String(e)));
  const layers = JSON.parse(execFileSync(DATA_PREP, ['layers', path.join(SITE, 'data'), '--json'], { encoding: 'utf8' }));
  const [head, ...lines] = fs.readFileSync(path.join(SAMPLE, 'models.csv'), 'utf8').trim().split('\n');
  const cols = head.split(',');
  const meta = Object.fromEntries(lines.map((l) => l.split(',')).map((v) => [v[cols.indexOf('model')], v]));
  const col = (m, c) => meta[m][cols.indexOf(c)];
  for (const [query, keep] of [['by=Task', () => true], ['by=Task&where=Visual%20Category:text', (m) => col(m, 'Visual Category') === 'text']]) {
    await p.goto(`${server.url}/filterscope/?view=quality&${query}`);
    await drawn(p, '#quality-entropy');
    const groups = {};
    for (const l of layers.filter((x) => keep(x.model))) (groups[col(l.model, 'Task')] ??= []).push(l);
    const rows = await table(p, 'quality-entropy');
    assert.deepEqual(rows.map((r) => r[0]), Object.keys(groups).sort());
    for (const r of rows) {
      const v = groups[r[0]].map((l) => l.variance_entropy_ratio).sort((a, b) => a - b);
      assert.equal(Number(r[1]), v.length, `${r[0]}: layers`);
      [0.25, 0.5, 0.75].forEach((q, k) => assert.ok(near(Number(r[3 + k]), percentile(v, q)), `${r[0]}: quantile ${q}`));
    }
    const shares = await table(p, 'quality-degenerated');
    for (const r of shares) {
      const g = groups[r[0]];
      assert.ok(near(Number(r[1]), g.filter((l) => l.degenerated).length / g.length), `${r[0]}: degenerated share`);
    }
  }
  assert.deepEqual(errors, []);
  await ctx.close();
});

const PAGE = () => `${server.url}/filterscope/?view=yours`;

test('the link of the view carries the model: it is the CLI\'s link, and reopens the same numbers in a fresh browser', async () => {
  // tiny-cnn fits whole; ddddocr's ten depth buckets do not: the link leaves the deepest out.
  for (const [name, file] of [['tiny-cnn.onnx', path.join(FIXTURES, 'tiny-cnn.onnx')], ['ddddocr_common_det.onnx', path.join(SAMPLE, 'ddddocr_common_det.onnx')]]) {
    // A page of its own: a second file would join the first, and the link carry both.
    const p = await ready();
    await checkModel(p, file);
    const link = await p.inputValue('#yours-link');
    assert.equal(await p.evaluate(() => location.href), link, 'the address bar holds the link');
    assert.ok(link.startsWith(`${PAGE()}#yours=`) && link.length <= 8192, `${link.length} bytes`);
    const out = execFileSync(DATA_PREP, ['yours', file, '--site', path.join(SITE, 'data'), '--link', PAGE()], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    assert.equal(out.trim().split('\n').at(-1), link, `${name}: the CLI's link`);
    const leftOut = await p.$('#yours-link-left-out');
    const buckets = leftOut ? (await leftOut.textContent()).match(/[[(][0-9.]+, [0-9.]+\]/g) : [];
    if (name.startsWith('ddddocr')) assert.ok(buckets.length > 0, 'ddddocr leaves buckets out');
    // A fresh browser (no file, no storage) opens the link: nothing but the site is fetched.
    const ctx = await browser.newContext({ viewport: { width: 1300, height: 1000 } });
    const q = await ctx.newPage();
    const errors = [];
    q.on('pageerror', (e) => errors.push(String(e)));
    await q.goto(link);
    await q.waitForSelector('#yours-summary', { timeout: 60000 });
    await checkShown(q, cli(file), name, { layers: false, buckets, shared: true });
    assert.equal(await q.isVisible('#yours-partial'), buckets.length > 0);
    assert.equal(await q.inputValue('#yours-link'), link, 'the reopened view links to itself');
    assert.deepEqual(errors, []);
    await ctx.close();
    assert.deepEqual(p.errors, []);
  }
});

test('a damaged or forged link says so; the page stays usable', async () => {
  const p = await ready();
  await checkModel(p, path.join(FIXTURES, 'tiny-cnn.onnx'));
  const link = await p.inputValue('#yours-link');
  const frag = link.split('#yours=')[1];
  for (const [bad, msg] of [[frag.slice(0, 4 * Math.floor(frag.length / 8)), /the shared link: not a deflated sketch/], ['!!!', /the shared link: not base64url/], ['A'.repeat(9000), /the shared link: 9000 characters, over 8192/]]) {
    const ctx = await browser.newContext();
    const q = await ctx.newPage();
    await q.goto(`${PAGE()}#yours=${bad}`);
    await q.waitForSelector('#yours-error', { timeout: 30000 });
    assert.match(await q.textContent('#yours-error'), msg);
    assert.equal(await q.isVisible('#yours-summary'), false);
    // Still usable: a file chosen now is shown.
    await q.waitForSelector('#yours-file:not([disabled])');
    await q.setInputFiles('#yours-file', path.join(FIXTURES, 'tiny-cnn.onnx'));
    await q.waitForSelector('#yours-summary', { timeout: 30000 });
    await ctx.close();
  }
});

test('behind the layers: the site\'s layers as boxes (data-prep layers), the model\'s as points (data-prep yours); the Quality view overlays it', async () => {
  const p = await ready();
  const file = path.join(SAMPLE, 'ch_PP-OCRv4_det_infer.onnx');
  await checkModel(p, file);
  const want = cli(file);
  const site = JSON.parse(execFileSync(DATA_PREP, ['layers', path.join(SITE, 'data'), '--json'], { encoding: 'utf8' }));
  await p.selectOption('#yours-behind', 'all');
  await drawn(p, '#yours-sparsity');
  const rows = await table(p, 'yours-sparsity');
  const all = site.map((l) => l.sparsity).sort((a, b) => a - b);
  assert.equal(rows[0][0], "the site's layers");
  assert.equal(Number(rows[0][1]), all.length);
  [0.25, 0.5, 0.75].forEach((q, k) => assert.ok(near(Number(rows[0][3 + k]), percentile(all, q)), `quantile ${q}`));
  assert.deepEqual(rows.slice(1).map((r) => r[0]), want.layers.map((l, k) => `ch_PP-OCRv4_det_infer.onnx layer ${k}`));
  rows.slice(1).forEach((r, k) => assert.ok(near(Number(r[4]), want.layers[k].sparsity), `layer ${k}`));
  // By depth: ten buckets, then the points.
  await p.selectOption('#yours-behind', 'depth');
  await drawn(p, '#yours-entropy');
  const byDepth = await table(p, 'yours-entropy');
  assert.equal(byDepth.length, 10 + want.layers.length);
  assert.equal(byDepth.slice(0, 10).reduce((n, r) => n + Number(r[1]), 0), site.length, 'every site layer in one bucket');
  // The Quality view, reached by its link in the page, overlays the model and keeps it in its URL.
  await p.click('nav a:has-text("Quality")');
  await p.waitForSelector('#quality-overlay');
  await drawn(p, '#quality-sparsity');
  const q = await table(p, 'quality-sparsity');
  const mine = q.find((r) => r[0] === 'ch_PP-OCRv4_det_infer.onnx (yours)');
  const values = want.layers.map((l) => l.sparsity).sort((a, b) => a - b);
  assert.ok(mine && Number(mine[1]) === values.length && near(Number(mine[4]), percentile(values, 0.5)), String(mine));
  const deg = await table(p, 'quality-degenerated');
  const d = deg.find((r) => r[0] === 'ch_PP-OCRv4_det_infer.onnx (yours)');
  assert.ok(near(Number(d[1]), want.layers.filter((l) => l.degenerated).length / want.layers.length));
  const href = await p.evaluate(() => location.href);
  assert.match(href, /\?view=quality.*#yours=/);
  await p.uncheck('#quality-overlay');
  await drawn(p, '#quality-sparsity');
  assert.ok(!(await table(p, 'quality-sparsity')).some((r) => r[0].endsWith('(yours)')));
  assert.ok(!(await p.evaluate(() => location.href)).includes('#'), 'no model in the URL once the overlay is off');
  assert.deepEqual(p.errors, []);
});

test('the distributions against a chosen group: a site model\'s own file matches its group exactly, and nothing is fetched', async () => {
  const p = await ready();
  const file = path.join(SAMPLE, 'ch_ppocr_mobile_v2.0_cls_infer.onnx');
  await checkModel(p, file);
  const before = server.requests.length;
  await p.selectOption('#yours-by', 'Task');
  // Classification holds one model of the sample: the one this file is.
  await p.selectOption('#yours-against', 'Classification');
  await p.selectOption('#yours-component', '3');
  await p.waitForFunction(() => document.querySelector('#yours-dist figcaption')?.textContent.includes('Classification'));
  await drawn(p, '#yours-dist');
  await p.click('#yours-dist button:has-text("data")');
  const head = await p.$$eval('#yours-dist-data thead th', (ths) => ths.map((t) => t.textContent));
  await p.click('#yours-dist button:has-text("data")');
  assert.deepEqual(head.slice(1), ['ch_ppocr_mobile_v2.0_cls_infer.onnx', 'Classification']);
  const rows = await table(p, 'yours-dist');
  assert.equal(rows.length, 70);
  rows.forEach((r) => assert.equal(r[1], r[2], `bin ${r[0]}: the file's share equals its model's in the site`));
  assert.ok(rows.some((r) => Number(r[1]) > 0));
  // Against the whole site again: other numbers.
  await p.selectOption('#yours-against', '');
  await p.waitForFunction(() => !document.querySelector('#yours-dist figcaption')?.textContent.includes('Classification'));
  const site = await table(p, 'yours-dist');
  assert.ok(site.some((r) => r[1] !== r[2]));
  assert.deepEqual(server.requests.slice(before).filter((u) => !u.endsWith('/sw.js')), []);
  assert.deepEqual(p.errors, []);
});

test('the Your model and Quality views draw a model, in light and dark, desktop and phone (screenshots saved)', async () => {
  const shots = process.env.SHOTS_DIR || path.join(os.tmpdir(), 'filterscope-shots');
  fs.mkdirSync(shots, { recursive: true });
  for (const scheme of ['light', 'dark']) {
    for (const [viewport, suffix] of [[{ width: 1300, height: 1000 }, ''], [{ width: 390, height: 844 }, '-phone']]) {
      const ctx = await browser.newContext({ viewport, colorScheme: scheme });
      const p = await ctx.newPage();
      const errors = [];
      p.on('pageerror', (e) => errors.push(String(e)));
      await p.goto(`${server.url}/filterscope/?view=yours`);
      await p.waitForSelector('#yours-file:not([disabled])', { timeout: 30000 });
      await p.setInputFiles('#yours-file', path.join(SAMPLE, 'ch_PP-OCRv4_det_infer.onnx'));
      await p.waitForSelector('#yours-summary', { timeout: 60000 });
      for (const fig of ['#yours-sparsity', '#yours-layers', '#yours-depth', '#yours-dist']) await drawn(p, fig);
      for (const [view, fig] of [['yours', null], ['quality', '#quality-depth']]) {
        if (fig) {
          await p.click(`nav a:has-text("${view === 'quality' ? 'Quality' : 'Your model'}")`);
          await drawn(p, fig);
        }
        const file = path.join(shots, `${view}-${scheme}${suffix}.png`);
        const png = await p.screenshot({ path: file, fullPage: true });
        assert.ok(png.length > 20000, `${file} is not blank (${png.length} bytes)`);
        assert.equal(await p.evaluate(() => document.body.dataset.theme), scheme);
      }
      assert.deepEqual(errors, []);
      await ctx.close();
    }
  }
});
