// The compare heatmap as a visitor uses it: by keyboard only, zoomed and panned by keys, wheel
// and drag, ordered and coloured as the URL says (a permalink reopens the same picture), searched,
// and readable at 320 px and at 200% zoom. Env as for explorer.test.mjs (SITE_DIR, DATA_PREP).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch } from './browser.mjs';
import { serve } from './serve.mjs';
import { drawn, settled } from './wait.mjs';

const SITE = process.env.SITE_DIR;
const DATA_PREP = process.env.DATA_PREP;
assert.ok(SITE && fs.existsSync(path.join(SITE, 'index.html')), 'SITE_DIR must hold a built site');
assert.ok(DATA_PREP && fs.existsSync(DATA_PREP), 'DATA_PREP must name the data-prep binary');

let browser, server, work, synth;
const N = 150;

before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'filterscope-heatmap-'));
  synth = path.join(work, 'synth');
  execFileSync(DATA_PREP, ['synth', '--site-only', '--models', String(N), '--layers', '600', '--filters', '300000', '--quiet', '--out', synth]);
  server = await serve({ '/filterscope/': SITE, '/synth/': synth });
  browser = await launch();
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
// The page's own URL: Playwright's p.url() learns of history.replaceState a moment later.
const param = async (p, k) => new URL(await p.evaluate(() => location.href)).searchParams.get(k);
const announced = (p) => p.textContent('#heatmap .hover');

/** The matrix's extent in CSS pixels relative to the page, from the canvas's data-area. */
async function matrixBox(p) {
  await p.waitForFunction(() => document.querySelector('#heatmap canvas')?.dataset.area, null, { timeout: 30000 });
  // The mouse reaches only what is on screen.
  await p.locator('#heatmap canvas').first().scrollIntoViewIfNeeded();
  return p.evaluate(() => {
    const c = document.querySelector('#heatmap canvas');
    const [x0, x1, y0, y1] = c.dataset.area.split(',').map(Number);
    const r = c.getBoundingClientRect();
    const s = r.width / c.width;
    return { x: r.x + x0 * s, y: r.y + y0 * s, w: (x1 - x0) * s, h: (y1 - y0) * s };
  });
}

/** A hash of the heatmap canvas's pixels. */
const pixels = (p) => p.evaluate(() => {
  const c = document.querySelector('#heatmap canvas');
  return c.toDataURL();
}).then((u) => crypto.createHash('sha256').update(u).digest('hex'));

test('by keyboard only: Tab to the matrix, arrows, Enter open the same pair as a click', async () => {
  const p = await page();
  await p.goto(`${server.url}/filterscope/?view=compare&by=Task`);
  await drawn(p, '#heatmap');
  let tabs = 0;
  while (!(await p.evaluate(() => document.activeElement?.matches('#heatmap canvas')))) {
    await p.keyboard.press('Tab');
    assert.ok(++tabs < 40, 'the matrix is reachable by Tab');
  }
  assert.match(await announced(p), /^\[0\] .+ vs \[0\] .+: D = 0\.0000 \(row 1, column 1 of 4\)$/);
  for (const k of ['ArrowDown', 'ArrowDown', 'ArrowDown', 'ArrowDown', 'ArrowRight']) await p.keyboard.press(k);
  const said = await announced(p);
  const m = said.match(/^\[3\] (.+) \(\d+\)\*? vs \[1\] (.+) \(\d+\)\*?: D = ([\d.]+) \(row 4, column 2 of 4\)$/);
  assert.ok(m, said);
  const want = cli('compare', path.join(SITE, 'data'), '--by', 'Task', '--json');
  assert.deepEqual([m[1], m[2]], [want.order[3], want.order[1]], 'rows in cluster order');
  assert.equal(Number(m[3]), Number(want.D[want.groups.indexOf(m[1])][want.groups.indexOf(m[2])].toFixed(4)));
  await p.keyboard.press('Enter');
  await p.waitForURL(/view=pair/);
  const byKeys = p.url();
  assert.equal(await param(p, 'a'), m[1]);
  assert.equal(await param(p, 'b'), m[2]);

  const q = await page();
  await q.goto(`${server.url}/filterscope/?view=compare&by=Task`);
  await drawn(q, '#heatmap');
  const box = await matrixBox(q);
  await q.mouse.click(box.x + box.w * 1.5 / 4, box.y + box.h * 3.5 / 4);
  await q.waitForURL(/view=pair/);
  assert.equal(q.url(), byKeys);
  assert.deepEqual([...p.errors, ...q.errors], []);
});

test('Home, End, PageUp and PageDown jump across a 150-model matrix', async () => {
  const p = await page();
  await p.goto(synthUrl('view=compare&by=model'));
  await drawn(p, '#heatmap');
  await p.focus('#heatmap canvas');
  const at = async () => (await announced(p)).match(/\(row (\d+), column (\d+) of (\d+)\)$/).slice(1).map(Number);
  assert.deepEqual(await at(), [1, 1, N]);
  await p.keyboard.press('End');
  assert.deepEqual(await at(), [1, N, N]);
  await p.keyboard.press('PageDown');
  assert.deepEqual(await at(), [16, N, N], 'a tenth of the rows');
  await p.keyboard.press('Control+End');
  assert.deepEqual(await at(), [N, N, N]);
  await p.keyboard.press('PageUp');
  assert.deepEqual(await at(), [N - 15, N, N]);
  await p.keyboard.press('Home');
  assert.deepEqual(await at(), [N - 15, 1, N]);
  await p.keyboard.press('Control+Home');
  assert.deepEqual(await at(), [1, 1, N]);
  assert.deepEqual(p.errors, []);
});

test('keys zoom and pan; the window is in the URL; 0 shows the whole matrix again', async () => {
  const p = await page();
  await p.goto(synthUrl('view=compare&by=model'));
  await drawn(p, '#heatmap');
  const whole = await pixels(p);
  await p.focus('#heatmap canvas');
  for (let i = 0; i < 20; i++) await p.keyboard.press('ArrowDown');
  await p.keyboard.press('+');
  await p.waitForFunction(() => new URL(location.href).searchParams.get('zoom'));
  assert.equal(await param(p, 'zoom'), '10,0,75', 'half the rows, the focus cell keeping its place');
  await p.keyboard.press('+');
  await p.keyboard.press('+');
  assert.equal(await param(p, 'zoom'), '18,0,18');
  // 18 groups in view: labels are drawn, the title names the window.
  await p.waitForFunction(() => /rows 18-35, cols 0-17 of 150/.test(document.querySelector('#heatmap canvas').getAttribute('aria-label')));
  await p.keyboard.press('Shift+ArrowRight');
  assert.equal(await param(p, 'zoom'), '18,4,18');
  assert.match(await announced(p), /\(row 21, column 5 of 150\)$/, 'the focus cell moved with the window');
  for (let i = 0; i < 30; i++) await p.keyboard.press('ArrowRight');
  assert.equal(await param(p, 'zoom'), '18,17,18', 'the window follows the focus cell');
  await p.keyboard.press('0');
  await p.waitForFunction(() => !new URL(location.href).searchParams.get('zoom'));
  await settled(p);
  assert.equal(await pixels(p), whole);
  assert.deepEqual(p.errors, []);
});

test('the wheel zooms, a drag pans, a drag is not a click, and a zoomed cell opens its pair', async () => {
  const p = await page();
  await p.goto(synthUrl('view=compare&by=model'));
  await drawn(p, '#heatmap');
  const box = await matrixBox(p);
  await p.mouse.move(box.x + box.w / 2, box.y + box.h / 2);
  await p.mouse.wheel(0, -100);
  await p.waitForFunction(() => new URL(location.href).searchParams.get('zoom'));
  const [r0, c0, k] = (await param(p, 'zoom')).split(',').map(Number);
  assert.equal(k, 75);
  await p.mouse.down();
  await p.mouse.move(box.x + box.w / 2 + box.w / 5, box.y + box.h / 2 + box.h / 5, { steps: 5 });
  await p.mouse.up();
  const [r1, c1] = (await param(p, 'zoom')).split(',').map(Number);
  assert.ok(r1 < r0 && c1 < c0, `dragged down-right shows rows and columns above-left: ${r0},${c0} -> ${r1},${c1}`);
  assert.match(await p.evaluate(() => location.href), /view=compare/, 'the drag opened no pair');
  await p.mouse.wheel(0, 100);
  await p.waitForFunction(() => !new URL(location.href).searchParams.get('zoom'));
  // Zoomed in, hovering a cell names it and a click opens that very pair.
  await p.mouse.wheel(0, -300);
  await p.waitForFunction(() => new URL(location.href).searchParams.get('zoom')?.endsWith(',18'));
  await settled(p);
  const zoomed = await matrixBox(p);
  await p.mouse.move(zoomed.x + zoomed.w * 0.62, zoomed.y + zoomed.h * 0.27);
  const said = await announced(p);
  const m = said.match(/^\[\d+\] (.+?) \(\d+\)\*?(?: \[.*?\])? vs \[\d+\] (.+?) \(\d+\)\*?(?: \[.*?\])?: D = ([\d.]+)/);
  assert.ok(m, said);
  const want = cli('compare', synth, '--by', 'model', '--json');
  assert.equal(Number(m[3]), Number(want.D[want.groups.indexOf(m[1])][want.groups.indexOf(m[2])].toFixed(4)));
  await p.mouse.click(zoomed.x + zoomed.w * 0.62, zoomed.y + zoomed.h * 0.27);
  await p.waitForURL(/view=pair/);
  assert.equal(await param(p, 'a'), m[1]);
  assert.equal(await param(p, 'b'), m[2]);
  assert.deepEqual(p.errors, []);
});

test('a permalink with order, scale and zoom reopens the same picture in a fresh browser', async () => {
  const q = 'view=compare&by=model&order=mean&scale=rank&zoom=10,20,30';
  const p = await page();
  await p.goto(synthUrl(q));
  await settled(p);
  const first = await pixels(p);
  assert.equal(await p.inputValue('#order'), 'mean');
  assert.equal(await p.inputValue('#scale'), 'rank');
  const other = await browser.newContext({ viewport: { width: 1300, height: 1000 } });
  const fresh = await other.newPage();
  await fresh.goto(synthUrl(q));
  await settled(fresh);
  assert.equal(await pixels(fresh), first);
  // The parameters matter: the default order and scale draw another picture.
  await fresh.selectOption('#order', 'cluster');
  await fresh.waitForFunction(() => new URL(location.href).searchParams.get('order') === 'cluster');
  await settled(fresh);
  assert.notEqual(await pixels(fresh), first);
  assert.equal(new URL(fresh.url()).searchParams.get('zoom'), null, 'a new order starts unzoomed');
  // The table keeps every group, in the chosen order (data-prep's).
  await fresh.click('#heatmap button:has-text("data")');
  const labels = await fresh.$$eval('#heatmap-data tbody tr th, #heatmap-data tbody tr td:first-child', (c) => c.map((x) => x.textContent.replace(/ \(\d+\)\*?$/, '')));
  assert.deepEqual(labels, cli('compare', synth, '--by', 'model', '--order', 'cluster', '--json').order);
  await other.close();
  assert.deepEqual(p.errors, []);
});

test('find highlights the matching rows and lists the nearest groups of the one chosen', async () => {
  const p = await page();
  await p.goto(synthUrl('view=compare&by=model'));
  await drawn(p, '#heatmap');
  const want = cli('compare', synth, '--by', 'model', '--json');
  const needle = 'vgg';
  const hits = want.order.filter((g) => g.includes(needle));
  assert.ok(hits.length > 1 && hits.length < N, `${hits.length} matches`);
  await p.fill('#find', 'VGG');
  await p.waitForFunction((n) => document.querySelector('.find .found').textContent === `${n} matches`, hits.length);
  assert.equal(await param(p, 'find'), 'VGG');
  // The overlay marks each match's row (sampled at the row's centre, left of the diagonal).
  const marked = await p.evaluate(() => {
    const c = document.querySelector('#heatmap canvas.overlay');
    const [x0, x1, y0, y1] = document.querySelector('#heatmap canvas').dataset.area.split(',').map(Number);
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const n = 150;
    const rows = [];
    for (let i = 0; i < n; i++) {
      const y = Math.floor(y0 + (i + 0.5) * (y1 - y0) / n);
      const x = Math.floor(x0 + 2);
      rows.push(d[(y * c.width + x) * 4 + 3] > 0);
    }
    return rows;
  });
  const pos = new Set(hits.map((g) => want.order.indexOf(g)));
  marked.forEach((m, i) => {
    if (pos.has(i)) assert.ok(m, `row ${i} (${want.order[i]}) marked`);
  });
  assert.ok(marked.filter(Boolean).length <= pos.size * 3, 'only the matches (bands are at least 2 px)');
  // Choosing a match lists its nearest groups, the row of D sorted.
  await p.click(`.find .matches button:has-text("${hits[0]} (")`);
  await p.waitForSelector('#nearest-h');
  assert.match(await p.textContent('#nearest-h'), new RegExp(`^Nearest to ${hits[0]} \\(`));
  const items = await p.$$eval('.find ol.nearest li', (li) => li.map((x) => x.textContent));
  const g = want.groups.indexOf(hits[0]);
  const sorted = want.groups.map((h, k) => [h, want.D[g][k]]).filter(([h]) => h !== hits[0]).sort((a, b) => a[1] - b[1]).slice(0, 10);
  assert.deepEqual(items.map((t) => t.replace(/ \(\d+\)\*? D = .*/, '')), sorted.map(([h]) => h));
  // And a nearest group opens that pair.
  await p.click('.find ol.nearest li:first-child button');
  await p.waitForURL(/view=pair/);
  assert.equal(await param(p, 'a'), hits[0]);
  assert.equal(await param(p, 'b'), sorted[0][0]);
  assert.deepEqual(p.errors, []);
});

// 320 CSS px is the narrowest phone; 640 x 500 is a 1280 x 1000 window at 200% zoom.
for (const viewport of [{ width: 320, height: 700 }, { width: 640, height: 500 }]) {
  test(`at ${viewport.width} px every control is on screen and nothing overflows`, async () => {
    const p = await page(viewport);
    for (const [view, fig] of [['overview', '#eigen'], ['compare&by=Task', '#heatmap'], ['pair', '#density-b'], ['model', '#model-samples'], ['about', '#provenance']]) {
      await p.goto(`${server.url}/filterscope/?view=${view}`);
      if (fig === '#provenance') await p.waitForSelector(fig);
      else await drawn(p, fig);
      const bad = await p.evaluate(() => {
        const out = [];
        const W = document.documentElement.clientWidth;
        if (document.documentElement.scrollWidth > W) out.push(`page scrolls sideways: ${document.documentElement.scrollWidth} > ${W}`);
        for (const el of document.querySelectorAll('button, select, input, a, h1, h2, h3, p, label, figcaption')) {
          const r = el.getBoundingClientRect();
          if (r.width === 0) continue;
          if (r.left < -0.5 || r.right > W + 0.5) out.push(`${el.tagName} "${el.textContent.trim().slice(0, 30)}" at ${r.left}-${r.right}`);
          if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === 'hidden') out.push(`${el.tagName} clipped`);
        }
        return out;
      });
      assert.deepEqual(bad, [], view);
    }
    assert.deepEqual(p.errors, []);
  });
}
