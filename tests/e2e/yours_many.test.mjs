// Your models, as researchers hold them: safetensors and PyTorch files (zip, legacy, a training
// checkpoint) give the CLI's report in the page; several files at once are held against each
// other (D between them, and as a series) with the CLI's numbers; their link carries them all;
// bad files in a batch are named with their problem and the others still shown. Env as for
// explorer.test.mjs (SITE_DIR, DATA_PREP). Fixtures: fixtures/make_checkpoints.py (torch-written).
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
import { drawn, settled, until } from './wait.mjs';

const SITE = process.env.SITE_DIR;
const DATA_PREP = process.env.DATA_PREP;
assert.ok(SITE && fs.existsSync(path.join(SITE, 'index.html')), 'SITE_DIR must hold a built site');
assert.ok(DATA_PREP && fs.existsSync(DATA_PREP), 'DATA_PREP must name the data-prep binary');
const HERE = path.dirname(fileURLToPath(import.meta.url));
const CK = path.join(HERE, 'fixtures/checkpoints');
const RUN = [1, 2, 3, 4].map((e) => path.join(CK, `run/epoch_${e}.safetensors`));

let browser, server;
const PAGE = () => `${server.url}/filterscope/?view=yours`;

before(async () => {
  server = await serve({ '/filterscope/': SITE });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.close();
});

async function open(url = PAGE(), viewport = { width: 1300, height: 1000 }, colorScheme = 'light') {
  const ctx = await browser.newContext({ viewport, colorScheme });
  const p = await ctx.newPage();
  p.errors = [];
  p.on('pageerror', (e) => p.errors.push(String(e)));
  await p.goto(url);
  return p;
}

async function ready() {
  const p = await open();
  await p.waitForSelector('#yours-file:not([disabled])', { timeout: 30000 });
  // The app is kept for offline use once the view is ready (its files fetched by the service
  // worker): let that finish first, so that what is fetched after the choice is the choice's.
  await p.evaluate(() => navigator.serviceWorker.ready);
  await p.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await settled(p);
  return p;
}

const cli = (...files) => {
  try {
    return JSON.parse(execFileSync(DATA_PREP, ['yours', ...files, '--site', path.join(SITE, 'data'), '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
  } catch (e) {
    // A batch with refused files exits non-zero, its JSON printed all the same.
    return JSON.parse(e.stdout);
  }
};

/** Waits until every listed model has its answer (or its error). */
async function allRead(p, n) {
  await until(async () => (await p.$$eval('#yours-models li', (li) => li.filter((l) => !l.textContent.includes('reading…')).length)) === n, `${n} models read`);
  await settled(p);
}

test('safetensors, PyTorch zip, legacy and checkpoint files give the CLI\'s report, chosen together; what was read is listed', async () => {
  const p = await ready();
  const files = ['small.pt', 'small-legacy.pth', 'small-checkpoint.bin', 'small.safetensors', 'small-flax.safetensors'].map((f) => path.join(CK, f));
  const before = server.requests.length;
  await p.setInputFiles('#yours-file', files);
  await allRead(p, files.length);
  for (const [i, f] of files.entries()) {
    await p.click(`#yours-models li:nth-child(${i + 1}) button:has-text("Show")`);
    await p.waitForFunction((name) => document.querySelector('#yours-summary')?.textContent.startsWith(name), path.basename(f));
    const want = cli(f);
    const summary = await p.textContent('#yours-summary');
    assert.ok(summary.startsWith(`${path.basename(f)}: ${want.n_filters} filters in ${want.n_layers} 3x3 layers`), summary);
    await drawn(p, '#yours-nearest');
    const nearest = await table(p, 'yours-nearest');
    nearest.forEach((r, k) => assert.ok(near(Number(r[1]), want.nearest[k].d), `${f}: ${r} vs ${want.nearest[k].d}`));
    const head = await p.textContent('#yours-tensors summary');
    assert.ok(head.startsWith(`Read as ${want.file.format}`), head);
    if (want.file.key) assert.match(head, new RegExp(`the state_dict under "${want.file.key}"`));
    const names = await p.$$eval('#yours-tensors tbody:not(.skipped) tr td:first-child', (td) => td.map((t) => t.textContent));
    assert.deepEqual(names, want.file.taken.map((t) => t.name));
  }
  // Nothing fetched for any of them.
  assert.deepEqual(server.requests.slice(before).filter((u) => !u.endsWith('/sw.js')), []);
  assert.deepEqual(p.errors, []);
});

test('four checkpoints of a run: D between them and the series equal data-prep yours A B C D; the link carries all four', async () => {
  const p = await ready();
  await p.setInputFiles('#yours-file', RUN);
  await allRead(p, 4);
  await drawn(p, '#yours-between');
  const want = cli(...RUN).between;
  const d = await table(p, 'yours-between');
  assert.deepEqual(d.map((r) => r[0]), want.models, 'in the order given');
  d.forEach((r, i) => r.slice(1).forEach((v, j) => assert.ok(near(Number(v), want.D[i][j]), `D[${i}][${j}] ${v} vs ${want.D[i][j]}`)));
  const series = await table(p, 'yours-series');
  series.forEach((r, i) => {
    assert.ok(near(Number(r[1]), want.series[i].to_first), `to first ${i}`);
    if (i > 0) assert.ok(near(Number(r[2]), want.series[i].to_previous), `to previous ${i}`);
  });
  // One depth bucket: the CLI's per-bucket values (NaN where a model has no filters there).
  const b = want.series[1].buckets_to_first.findIndex((x) => x !== null);
  await p.selectOption('#yours-series-depth', String(b));
  await drawn(p, '#yours-series');
  const atDepth = await table(p, 'yours-series');
  atDepth.forEach((r, i) => assert.ok(near(Number(r[1]), want.series[i].buckets_to_first[b] ?? 0), `bucket ${b} to first ${i}: ${r[1]}`));
  // Clustered: the same values, similar models together.
  await p.selectOption('#yours-between-order', 'cluster');
  await drawn(p, '#yours-between');
  const clustered = await table(p, 'yours-between');
  for (const r of clustered) {
    const i = want.models.indexOf(r[0]);
    r.slice(1).forEach((v, k) => {
      const j = want.models.indexOf(clustered[k][0]);
      assert.ok(near(Number(v), want.D[i][j]));
    });
  }
  // The link: the CLI's, within 8 KB, and a fresh browser reopens all four with the same D.
  const link = await p.inputValue('#yours-link');
  assert.ok(link.length <= 8192, `${link.length} bytes`);
  const out = execFileSync(DATA_PREP, ['yours', ...RUN, '--site', path.join(SITE, 'data'), '--link', PAGE()], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  assert.equal(out.trim().split('\n').at(-1), link, 'the CLI\'s link');
  const q = await open(link);
  await q.waitForSelector('#yours-summary', { timeout: 60000 });
  await allRead(q, 4);
  await drawn(q, '#yours-between');
  const again = await table(q, 'yours-between');
  assert.deepEqual(again.map((r) => r[0]), d.map((r) => r[0]));
  again.forEach((r, i) => r.slice(1).forEach((v, j) => assert.ok(near(Number(v), want.D[i][j]), `reopened D[${i}][${j}]`)));
  assert.equal(await q.inputValue('#yours-link'), link, 'the reopened view links to itself');
  assert.deepEqual([...p.errors, ...q.errors], []);
});

test('bad files in a batch are each named with the problem; the good one is still shown, and removing works', async () => {
  const p = await ready();
  const bad = [['bad/runs-code.pt', /runs-code\.pt: refused: .*posix\.system.*runs nothing/], ['bad/whole-module.pt', /whole-module\.pt: .*torch\.nn\.modules\.container\.Sequential/],
    ['bad/cut-short.pt', /cut-short\.pt: truncated/], ['bad/lying-header.safetensors', /lying-header\.safetensors: header entry .* needs/]];
  await p.setInputFiles('#yours-file', [path.join(CK, 'small.pt'), ...bad.map(([f]) => path.join(CK, f))]);
  await allRead(p, 5);
  const items = await p.$$eval('#yours-models li', (li) => li.map((l) => [l.classList.contains('failed'), l.textContent]));
  assert.equal(items[0][0], false, items[0][1]);
  bad.forEach(([, msg], i) => {
    assert.ok(items[i + 1][0], items[i + 1][1]);
    assert.match(items[i + 1][1], msg);
  });
  assert.match(await p.textContent('#yours-summary'), /^small\.pt: /);
  await p.click('#yours-models li:nth-child(2) button:has-text("Show")');
  await p.waitForSelector('#yours-error');
  assert.match(await p.textContent('#yours-error'), bad[0][1]);
  assert.equal(await p.isVisible('#yours-summary'), false, 'no numbers from a bad file');
  await p.click('#yours-models li:nth-child(2) button:has-text("Remove")');
  await until(async () => (await p.$$('#yours-models li')).length === 4, 'one removed');
  await p.click('#yours-clear');
  await until(async () => (await p.$('#yours-models')) === null && (await p.$('#yours-summary')) === null, 'all removed');
  assert.deepEqual(p.errors, []);
});

test('several models drawn in light and dark, desktop and phone (screenshots saved)', async () => {
  const shots = process.env.SHOTS_DIR || path.join(os.tmpdir(), 'filterscope-shots');
  fs.mkdirSync(shots, { recursive: true });
  for (const scheme of ['light', 'dark']) {
    for (const [viewport, suffix] of [[{ width: 1300, height: 1000 }, ''], [{ width: 390, height: 844 }, '-phone']]) {
      const p = await open(PAGE(), viewport, scheme);
      await p.waitForSelector('#yours-file:not([disabled])', { timeout: 30000 });
      await p.setInputFiles('#yours-file', [...RUN, path.join(CK, 'bad/cut-short.pt')]);
      await allRead(p, 5);
      for (const fig of ['#yours-between', '#yours-series', '#yours-nearest']) await drawn(p, fig);
      await p.click('#yours-tensors summary');
      // Nothing widens the page past a phone's screen (the tensors' table scrolls in its box).
      assert.ok(await p.evaluate((w) => document.documentElement.scrollWidth <= w, viewport.width), 'no sideways scroll');
      const file = path.join(shots, `yours-many-${scheme}${suffix}.png`);
      const png = await p.screenshot({ path: file, fullPage: true });
      assert.ok(png.length > 20000, `${file} is not blank (${png.length} bytes)`);
      assert.deepEqual(p.errors, []);
      await p.context().close();
    }
  }
});
