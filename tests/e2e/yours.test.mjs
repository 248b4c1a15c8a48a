// Your model: an ONNX file chosen in the page is held against the site in the browser; the numbers
// equal `data-prep yours --json`, nothing is requested once the file is chosen, and bad files give a
// clear message and leave the page usable. Env as for explorer.test.mjs (SITE_DIR, DATA_PREP).
// The fixtures come from fixtures/make.py.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from './browser.mjs';
import { serve } from './serve.mjs';
import { drawn } from './wait.mjs';

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
  await p.waitForTimeout(300);
  return p;
}

const cli = (file) => JSON.parse(execFileSync(DATA_PREP, ['yours', file, '--site', path.join(SITE, 'data'), '--json'], { encoding: 'utf8' }));
const table = async (p, fig) => {
  await p.click(`#${fig} button:has-text("data")`);
  const rows = await p.$$eval(`#${fig}-data tbody tr`, (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
  await p.click(`#${fig} button:has-text("data")`);
  return rows;
};
const near = (a, b) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

/** Chooses `file`, waits for its report, checks it against the CLI's; returns the requests made. */
async function checkModel(p, file) {
  const before = server.requests.length;
  await p.setInputFiles('#yours-file', file);
  await p.waitForSelector('#yours-summary', { timeout: 60000 });
  await drawn(p, '#yours-nearest');
  const want = cli(file);
  const summary = await p.textContent('#yours-summary');
  assert.ok(summary.startsWith(`${path.basename(file)}: ${want.n_filters} filters in ${want.n_layers} 3x3 layers`), summary);
  assert.match(summary, new RegExp(`Nearest model: ${want.nearest[0].name} \\(D = ${want.nearest[0].d.toFixed(4)}\\)`));
  const nearest = await table(p, 'yours-nearest');
  assert.deepEqual(nearest.map((r) => r[0]), want.nearest.slice(0, 20).map((n) => n.name));
  nearest.forEach((r, i) => assert.ok(near(Number(r[1]), want.nearest[i].d), `${r} vs ${want.nearest[i].d}`));
  const layers = await table(p, 'yours-layers');
  assert.equal(layers.length, want.layers.length);
  layers.forEach((r, i) => {
    assert.ok(near(Number(r[1]), want.layers[i].sparsity), `layer ${i} sparsity`);
    assert.ok(near(Number(r[2]), want.layers[i].variance_entropy_ratio), `layer ${i} H/TH`);
  });
  await p.selectOption('#yours-by', 'Task');
  const byTask = await table(p, 'yours-by-groups');
  assert.deepEqual(byTask.map((r) => r[0]), want.by.Task.map((g) => g.name));
  byTask.forEach((r, i) => assert.ok(near(Number(r[1]), want.by.Task[i].d)));
  const depth = await table(p, 'yours-depth');
  const wantDepth = want.depth_buckets.filter((b) => b.d !== null);
  assert.deepEqual(depth.map((r) => r[0]), wantDepth.map((b) => b.name));
  depth.forEach((r, i) => assert.ok(near(Number(r[1]), wantDepth[i].d)));
  // The browser may check its service worker script for updates; it carries nothing of the page.
  return server.requests.slice(before).filter((u) => !u.endsWith('/sw.js'));
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
