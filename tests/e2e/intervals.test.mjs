// How sure a D is, in the page: weighting by models, bootstrap intervals, noise floors and small
// groups, from a permalink, equal to `data-prep compare --weight --ci --seed --json` number for
// number; grouping by model says why it has no interval; screenshots in light and dark, desktop
// and phone. Env as for explorer.test.mjs (SITE_DIR, DATA_PREP, SHOTS_DIR).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch } from './browser.mjs';
import { serve } from './serve.mjs';
import { drawn, settled } from './wait.mjs';

const SITE = process.env.SITE_DIR;
const DATA_PREP = process.env.DATA_PREP;
const SHOTS = process.env.SHOTS_DIR || path.join(os.tmpdir(), 'filterscope-shots');
assert.ok(SITE && fs.existsSync(path.join(SITE, 'index.html')), 'SITE_DIR must hold a built site');
assert.ok(DATA_PREP && fs.existsSync(DATA_PREP), 'DATA_PREP must name the data-prep binary');

let browser, server, work, synth;

before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'filterscope-intervals-'));
  synth = path.join(work, 'synth');
  execFileSync(DATA_PREP, ['synth', '--site-only', '--models', '60', '--layers', '480', '--filters', '300000', '--seed', '4', '--quiet', '--out', synth]);
  server = await serve({ '/filterscope/': SITE, '/synth/': synth });
  browser = await launch();
  fs.mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  server?.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

async function page(viewport = { width: 1300, height: 1000 }, colorScheme = 'light') {
  const ctx = await browser.newContext({ viewport, colorScheme });
  const p = await ctx.newPage();
  p.errors = [];
  p.on('pageerror', (e) => p.errors.push(String(e)));
  return p;
}

const synthUrl = (q) => `${server.url}/filterscope/?data=${encodeURIComponent(`${server.url}/synth/`)}&${q}`;
const cli = (...args) => JSON.parse(execFileSync(DATA_PREP, args, { encoding: 'utf8', maxBuffer: 1 << 28 }));
const unlabel = (s) => s.replace(/ \(\d+\)\*?$/, '');

/** The heatmap's data table, once the intervals are in. */
async function intervalRows(p) {
  await drawn(p, '#heatmap');
  await p.waitForFunction(() => !document.querySelector('#interval-progress'), null, { timeout: 60000 });
  await settled(p);
  await p.click('#heatmap button:has-text("data")');
  const head = await p.$$eval('#heatmap-data thead th', (ths) => ths.map((t) => t.textContent));
  assert.deepEqual(head, ['group A', 'group B', 'D', '2.5%', '97.5%', 'floor A', 'floor B', 'beyond floors']);
  return p.$$eval('#heatmap-data tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
}

/** The heatmap's data `rows` say what `data-prep compare --json` (`want`) says, number for number. */
function sameAsCli(rows, want) {
  const n = want.groups.length;
  assert.ok(n >= 3, `${n} groups`);
  assert.equal(rows.length, (n * (n - 1)) / 2);
  for (const [a, b, d, lo, hi, fa, fb, beyond] of rows) {
    const [i, j] = [want.groups.indexOf(unlabel(a)), want.groups.indexOf(unlabel(b))];
    assert.ok(i >= 0 && j >= 0, `${a} and ${b} are groups`);
    assert.equal(Number(d), want.D[i][j], `D ${a} vs ${b}`);
    assert.equal(Number(lo), want.ci.low[i][j], `2.5% ${a} vs ${b}`);
    assert.equal(Number(hi), want.ci.high[i][j], `97.5% ${a} vs ${b}`);
    assert.ok(Number(lo) <= Number(hi));
    const floor = (s, k) => (want.floor[k] === null ? assert.equal(s, '') : assert.equal(Number(s), want.floor[k]));
    floor(fa, i);
    floor(fb, j);
    const top = Math.max(...[want.floor[i], want.floor[j]].filter((f) => f !== null));
    assert.equal(beyond, Number.isFinite(top) ? (want.ci.low[i][j] > top ? 'yes' : 'no') : '');
  }
}

for (const [by, where, weight] of [['Task', null, 'models'], ['depth', null, 'filters'], ['Training-Dataset', 'Task:Classification', 'models']]) {
  test(`intervals and floors by ${by}${where ? ` where ${where}` : ''}, weight=${weight}, equal data-prep's`, async () => {
    const p = await page();
    const q = `view=compare&by=${encodeURIComponent(by)}&weight=${weight}&ci=300&seed=9${where ? `&where=${encodeURIComponent(where)}` : ''}`;
    await p.goto(synthUrl(q));
    const rows = await intervalRows(p);
    const args = ['compare', synth, '--by', by, '--weight', weight, '--ci', '300', '--seed', '9', '--json'];
    if (where) args.push('--where', where.replace(':', '='));
    const want = cli(...args);
    assert.equal(want.weight, weight);
    sameAsCli(rows, want);
    // Small groups are marked where they are named.
    const labels = await p.$$eval('#heatmap-data tbody tr > :first-child', (tds) => tds.map((t) => t.textContent));
    for (const l of labels) {
      const k = want.groups.indexOf(unlabel(l));
      assert.equal(l.endsWith('*'), want.n_models[k] < 3, l);
    }
    assert.match(await p.textContent('#method'), weight === 'models' ? /Every model counts the same/ : /Every filter counts once/);
    assert.match(await p.textContent('#method'), /300 bootstrap resamples .* \(seed 9\)/);
    assert.deepEqual(p.errors, []);
  });
}

test('intervals by conv_depth at the default resampling read the stored file and equal data-prep\'s resampled ones', async () => {
  for (const [weight, where] of [['filters', null], ['models', null], ['filters', 'Task:Classification']]) {
    const p = await page();
    const from = server.requests.length;
    await p.goto(synthUrl(`view=compare&by=conv_depth&weight=${weight}&ci=1000${where ? `&where=${encodeURIComponent(where)}` : ''}`));
    const rows = await intervalRows(p);
    const stems = new Set(server.requests.slice(from)
      .filter((r) => r.startsWith('/synth/') && r.endsWith('.arrow'))
      .map((f) => path.basename(f).replace(/-[0-9a-f]{16}\.arrow$/, '')));
    // Among one Task's models, that value's file (values-0-among-C-NNN-spread).
    const stored = `^${where ? 'values-0-among-\\d+-\\d{3}' : 'values-0'}-spread${weight === 'models' ? '-models' : ''}$`;
    assert.ok([...stems].some((s) => new RegExp(stored).test(s)), `${stored}: ${[...stems].join(' ')}`);
    // Not the (value, model) counts a resampling reads, nor any per-layer file.
    for (const s of stems) assert.ok(!/^(cells|sketches|layers)/.test(s), [...stems].join(' '));
    // data-prep resamples those counts: the stored intervals are its numbers.
    const args = ['compare', synth, '--by', 'conv_depth', '--weight', weight, '--ci', '1000', '--json'];
    if (where) args.push('--where', where.replace(':', '='));
    sameAsCli(rows, cli(...args));
    assert.match(await p.textContent('#method'), /1000 bootstrap resamples .* \(seed 0\)/);
    assert.deepEqual(p.errors, []);
    await p.context().close();
  }
});

test('the hover line and the announcement carry the interval; floors on the diagonal; grey cells', async () => {
  const p = await page();
  await p.goto(synthUrl('view=compare&by=Task&ci=300&seed=9&order=name'));
  await intervalRows(p);
  const want = cli('compare', synth, '--by', 'Task', '--ci', '300', '--seed', '9', '--json');
  const canvas = p.locator('#heatmap canvas').first();
  await canvas.focus();
  await p.keyboard.press('ArrowRight');
  const said = await p.textContent('#heatmap .hover');
  const lo = want.ci.low[0][1].toFixed(4);
  const hi = want.ci.high[0][1].toFixed(4);
  assert.ok(said.includes(`95% interval ${lo} to ${hi}`), said);
  // The floor on the diagonal: the first cell's value is group 0's floor.
  const floored = synthUrl('view=compare&by=Task&ci=300&seed=9&order=name&floor=1&grey=1');
  await p.goto(floored);
  await intervalRows(p);
  await canvas.focus();
  const diag = await p.textContent('#heatmap .hover');
  assert.ok(diag.includes(want.floor[0] === null ? 'no noise floor' : `noise floor ${want.floor[0].toFixed(4)}`), diag);
  assert.equal(await p.isChecked('#floor'), true);
  assert.equal(await p.isChecked('#grey'), true);
  for (const [scheme, viewport, tag] of [['light', { width: 1300, height: 1000 }, 'desktop'], ['dark', { width: 1300, height: 1000 }, 'desktop'], ['light', { width: 390, height: 844 }, 'phone'], ['dark', { width: 390, height: 844 }, 'phone']]) {
    const s = await page(viewport, scheme);
    await s.goto(floored);
    await intervalRows(s);
    await s.screenshot({ path: path.join(SHOTS, `compare-intervals-${tag}-${scheme}.png`), fullPage: true });
    assert.deepEqual(s.errors, []);
  }
});

test('grouping by model says it has no interval; min_models leaves small groups out', async () => {
  const p = await page();
  await p.goto(synthUrl('view=compare&by=model&ci=300'));
  await drawn(p, '#heatmap');
  assert.match(await p.textContent('#method'), /No interval when grouping by model/);
  await p.goto(synthUrl('view=compare&by=Task&min_models=3'));
  await drawn(p, '#heatmap');
  await p.click('#heatmap button:has-text("data")');
  const labels = await p.$$eval('#heatmap-data tbody tr > :first-child', (tds) => tds.map((t) => t.textContent));
  const want = cli('compare', synth, '--by', 'Task', '--min-models', '3', '--json');
  assert.deepEqual(labels.map(unlabel).sort(), [...want.groups].sort());
  const all = cli('compare', synth, '--by', 'Task', '--json');
  assert.ok(want.groups.length < all.groups.length, 'some Task has fewer than 3 models');
  // Parameters out of range are named, not used.
  await p.goto(synthUrl('view=compare&by=Task&ci=0&weight=x&min_models=few'));
  await drawn(p, '#heatmap');
  const notice = await p.textContent('#notice');
  for (const bad of ['ci=0', 'weight=x', 'min_models=few']) assert.ok(notice.includes(bad), `${bad} is named`);
  await p.goto(synthUrl('view=compare&by=Task&min_models=3'));
  await drawn(p, '#heatmap');
  // The control changes the URL, and the URL the view.
  await p.selectOption('#min-models', '0');
  await settled(p);
  assert.equal(new URL(await p.evaluate(() => location.href)).searchParams.get('min_models'), null);
  assert.deepEqual(p.errors, []);
});

/** A download's size as the page writes it (web/src/protocol/mod.rs `megabytes`). */
const megabytes = (b) => (b < 100000 ? `${Math.ceil(b / 1000)} KB` : `${(b / 1e6).toFixed(1)} MB`);

test('over the visitor\'s download limit, intervals ask first, say what they fetch, then equal data-prep\'s', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1300, height: 1000 } });
  const first = await ctx.newPage();
  // The point estimates once, so that this browser keeps their file.
  await first.goto(synthUrl('view=compare&by=conv_depth'));
  await drawn(first, '#heatmap');
  // A limit of one byte: only what the browser kept comes without asking.
  await first.evaluate(() => localStorage.setItem('filterscope-ask-over', '1'));
  const p = await ctx.newPage();
  p.errors = [];
  p.on('pageerror', (e) => p.errors.push(String(e)));
  const from = server.requests.length;
  await p.goto(synthUrl('view=compare&by=conv_depth&ci=300&seed=9'));
  await drawn(p, '#heatmap');
  await p.waitForSelector('#ask-large');
  await settled(p);
  // The point estimates are drawn from the kept file; nothing else of the data was fetched.
  const data = (since) => server.requests.slice(since).filter((r) => r.startsWith('/synth/') && r.endsWith('.arrow'));
  assert.deepEqual(data(from), []);
  assert.equal(await p.$('#interval-progress'), null);
  const asked = await p.textContent('#ask-large');
  const clicked = server.requests.length;
  await p.click('#ask-large-go');
  const rows = await intervalRows(p);
  assert.equal(await p.$('#ask-large'), null);
  // What it said it needed is what it fetched: the layers table and conv_depth's cells.
  const files = data(clicked);
  const stem = (f) => path.basename(f).replace(/-[0-9a-f]{16}\.arrow$/, '').replace(/-\d{4}$/, '');
  assert.deepEqual([...new Set(files.map(stem))].sort(), ['cells-0', 'layers']);
  const bytes = files.reduce((sum, f) => sum + fs.statSync(path.join(synth, path.basename(f))).size, 0);
  assert.match(asked, new RegExp(`^The intervals need ${megabytes(bytes).replace('.', '\\.')} more of the site's data, over the 1 KB this browser downloads without asking`));
  sameAsCli(rows, cli('compare', synth, '--by', 'conv_depth', '--ci', '300', '--seed', '9', '--json'));
  // A view whose own answer is over the limit asks instead of showing empty figures.
  await p.goto(synthUrl('view=compare&by=in_channels'));
  await p.waitForSelector('#ask-large');
  await settled(p);
  assert.match(await p.textContent('#ask-large'), /^This view needs \d+ KB more of the site's data/);
  assert.equal(await p.isVisible('#heatmap'), false);
  // The limit is the visitor's, kept in this browser and set under About.
  await p.goto(synthUrl('view=about'));
  assert.equal(await p.inputValue('#ask-over'), '1');
  await p.selectOption('#ask-over', 'never');
  await p.reload();
  assert.equal(await p.inputValue('#ask-over'), 'never');
  assert.equal(await p.evaluate(() => localStorage.getItem('filterscope-ask-over')), 'never');
  assert.deepEqual(p.errors, []);
  await ctx.close();
});
