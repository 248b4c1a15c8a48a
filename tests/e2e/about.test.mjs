// What the site says about its data: the banner, the footer and the About view show the manifest's
// provenance (the sample's, and a synthetic site's given with data-prep's flags), and metadata
// carrying HTML or a javascript: URL is shown as text, never as markup or a live link.
// Env as for explorer.test.mjs (SITE_DIR, DATA_PREP).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from './browser.mjs';
import { serve } from './serve.mjs';
import { drawn } from './wait.mjs';

const SITE = process.env.SITE_DIR;
const DATA_PREP = process.env.DATA_PREP;
const SHOTS = process.env.SHOTS_DIR || path.join(os.tmpdir(), 'filterscope-shots');
assert.ok(SITE && fs.existsSync(path.join(SITE, 'index.html')), 'SITE_DIR must hold a built site');
assert.ok(DATA_PREP && fs.existsSync(DATA_PREP), 'DATA_PREP must name the data-prep binary');

const HOSTILE = {
  name: '<img src=x onerror="window.pwned=1">Evil DB',
  url: 'javascript:window.pwned=2',
  licence: '<a href="javascript:window.pwned=3">CC BY 4.0</a>',
  cite: '@misc{x, title = {<script>window.pwned=4</script>}}',
  banner: '<b>Test data</b> & more',
};
let browser, server, work;

before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'filterscope-about-'));
  const cite = path.join(work, 'cite.bib');
  fs.writeFileSync(cite, HOSTILE.cite);
  execFileSync(DATA_PREP, ['synth', '--site-only', '--models', '12', '--layers', '60', '--filters', '50000', '--quiet',
    '--data-name', HOSTILE.name, '--data-version', '9', '--data-url', HOSTILE.url, '--data-doi', '10.1234/x y',
    '--data-licence', HOSTILE.licence, '--cite', cite, '--banner', HOSTILE.banner, '--out', path.join(work, 'hostile')]);
  execFileSync(DATA_PREP, ['synth', '--site-only', '--models', '12', '--layers', '60', '--filters', '50000', '--quiet',
    '--data-name', 'Test DB', '--data-url', 'https://example.org/db', '--data-doi', '10.1234/abc', '--out', path.join(work, 'plain')]);
  // The sample with one known label error corrected (data-prep build --corrections).
  const sample = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../data/sample');
  const fix = path.join(work, 'fix.csv');
  fs.writeFileSync(fix, 'model,column,from,to,source\nppocrv4-det,Task,Text Detection,Text Recognition,https://example.org/issues/1\n');
  execFileSync(DATA_PREP, ['build', '--onnx', sample, '--models', path.join(sample, 'models.csv'), '--corrections', fix,
    '--quiet', '--out', path.join(work, 'corrected')]);
  server = await serve({
    '/filterscope/': SITE, '/hostile/': path.join(work, 'hostile'), '/plain/': path.join(work, 'plain'),
    '/corrected/': path.join(work, 'corrected'),
  });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

async function page() {
  const ctx = await browser.newContext({ viewport: { width: 1300, height: 1000 } });
  const p = await ctx.newPage();
  p.errors = [];
  p.dialogs = [];
  p.on('pageerror', (e) => p.errors.push(String(e)));
  p.on('dialog', (d) => { p.dialogs.push(d.message()); d.dismiss(); });
  return p;
}

const at = (base, q) => `${server.url}/filterscope/?${base ? `data=${encodeURIComponent(`${server.url}/${base}/`)}&` : ''}${q}`;
const rows = (p, sel) => p.$$eval(`${sel} tr`, (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));

test('the sample site says so on every view, and About lists each model\'s licence and source', async () => {
  const p = await page();
  await p.goto(at(null, 'view=overview'));
  await drawn(p, '#eigen');
  assert.match(await p.textContent('#banner'), /built-in sample \(4 small ONNX models\), not the CNN Filter DB/);
  assert.match(await p.textContent('#footer-data'), /^Data: Filterscope's sample: 4 ONNX models · licence: each model's own/);
  await p.click('footer a:has-text("About")');
  await p.waitForSelector('#provenance');
  assert.match(new URL(p.url()).search, /view=about/);
  assert.equal(await p.evaluate(() => document.activeElement?.id), 'about-h');
  assert.match(await p.textContent('#banner'), /not the CNN Filter DB/);
  const csv = fs.readFileSync(new URL('../../data/sample/models.csv', import.meta.url), 'utf8');
  const [head, ...lines] = csv.trim().split('\n');
  const cols = head.split(',');
  const want = lines.map((l) => {
    const v = l.split(',');
    return [v[cols.indexOf('model')], v[cols.indexOf('licence')], v.slice(cols.indexOf('source')).join(',')];
  });
  assert.deepEqual((await rows(p, '#model-licences tbody')).sort(), want.sort());
  assert.match(await p.textContent('#cite'), /Gavrikov, Paul and Keuper, Janis/);
  assert.deepEqual(p.errors, []);
});

test('a synthetic site shows the provenance its flags gave, links only http(s)', async () => {
  const p = await page();
  await p.goto(at('plain', 'view=about'));
  await p.waitForSelector('#provenance');
  const r = Object.fromEntries(await rows(p, '#provenance'));
  assert.equal(r['Data set'], 'Test DB seed 1', 'the version defaults to the seed');
  assert.equal(r.Source, 'https://example.org/db');
  assert.equal(r.DOI, 'https://doi.org/10.1234/abc');
  assert.equal(r.Licence, 'none (generated)');
  assert.match(r.Holds, /^\d+ filters in 60 layers of 12 models$/);
  assert.deepEqual(await p.$$eval('#provenance a', (as) => as.map((a) => a.getAttribute('href'))),
    ['https://example.org/db', 'https://doi.org/10.1234/abc']);
  assert.match(await p.textContent('#banner'), /Synthetic data/);
  assert.deepEqual(p.errors, []);
});

test('metadata with HTML or javascript: is shown as text, never run or linked', async () => {
  const p = await page();
  await p.goto(at('hostile', 'view=about'));
  await p.waitForSelector('#provenance');
  const r = Object.fromEntries(await rows(p, '#provenance'));
  assert.equal(r['Data set'], `${HOSTILE.name} 9`);
  assert.equal(r.Source, HOSTILE.url);
  assert.equal(r.Licence, HOSTILE.licence);
  assert.equal(r.DOI, 'https://doi.org/10.1234/x y', 'a DOI with a space is no link');
  assert.equal(await p.textContent('#cite'), HOSTILE.cite);
  assert.equal(await p.textContent('#banner'), HOSTILE.banner);
  assert.match(await p.textContent('#footer-data'), /Evil DB 9 · licence: <a href="javascript:/);
  const live = await p.evaluate(() => ({
    links: [...document.querySelectorAll('a')].map((a) => a.getAttribute('href')).filter((h) => !/^(\?|https?:)/.test(h)),
    markup: document.querySelectorAll('main img, main script, main b, footer a[href^="javascript"]').length,
    pwned: window.pwned ?? null,
  }));
  assert.deepEqual(live, { links: [], markup: 0, pwned: null });
  // Every other view of that site shows the banner as text too.
  await p.goto(at('hostile', 'view=overview'));
  await drawn(p, '#eigen');
  assert.equal(await p.textContent('#banner'), HOSTILE.banner);
  assert.deepEqual(p.dialogs, []);
  assert.deepEqual(p.errors, []);
});

test('About lists the label errors corrected before grouping, and the groups follow them', async () => {
  const p = await page();
  await p.goto(at('corrected', 'view=about'));
  await p.waitForSelector('#corrections');
  assert.deepEqual(await rows(p, '#corrections tbody'), [['ppocrv4-det', 'Task', 'Text Detection', 'Text Recognition', 'https://example.org/issues/1']]);
  assert.equal(await p.getAttribute('#corrections tbody a', 'href'), 'https://example.org/issues/1');
  fs.mkdirSync(SHOTS, { recursive: true });
  for (const [scheme, viewport, tag] of [['light', { width: 1300, height: 1000 }, 'desktop'], ['dark', { width: 390, height: 844 }, 'phone']]) {
    const ctx = await browser.newContext({ viewport, colorScheme: scheme });
    const s = await ctx.newPage();
    await s.goto(at('corrected', 'view=about'));
    await s.waitForSelector('#corrections');
    await s.locator('#corrections').screenshot({ path: path.join(SHOTS, `about-corrections-${tag}-${scheme}.png`) });
    await ctx.close();
  }
  await p.goto(at('corrected', 'view=compare&by=Task'));
  await drawn(p, '#heatmap');
  await p.click('#heatmap button:has-text("data")');
  const labels = await p.$$eval('#heatmap-data tbody tr > :first-child', (c) => c.map((x) => x.textContent));
  assert.ok(labels.some((l) => l.startsWith('Text Recognition (2)')), labels.join(' | '));
  assert.ok(!labels.some((l) => l.startsWith('Text Detection')), labels.join(' | '));
  // The sample as shipped has none: no such section.
  await p.goto(at(null, 'view=about'));
  await p.waitForSelector('#provenance');
  assert.equal(await p.locator('#corrections').count(), 0);
  assert.deepEqual(p.errors, []);
});
