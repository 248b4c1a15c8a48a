// Hostile input in the page: metadata written to attack it shows as text, `?data=` takes only
// http(s) or relative URLs, and the built page carries a Content-Security-Policy under which the
// app runs with no violation. Env as for explorer.test.mjs (SITE_DIR, DATA_PREP).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from './browser.mjs';
import { serve } from './serve.mjs';
import { drawn, settled } from './wait.mjs';

const SITE = process.env.SITE_DIR;
const DATA_PREP = process.env.DATA_PREP;
assert.ok(SITE && fs.existsSync(path.join(SITE, 'index.html')), 'SITE_DIR must hold a built site');
assert.ok(DATA_PREP && fs.existsSync(DATA_PREP), 'DATA_PREP must name the data-prep binary');
const HERE = path.dirname(fileURLToPath(import.meta.url));

// Each would run script, load something or mislead if it were markup, a link or a direction.
const XSS = {
  img: '<img src=x onerror="window.__xss=1">',
  script: '<script>window.__xss=1</script>',
  js: 'javascript:window.__xss=1',
  data: 'data:text/html,<script>window.__xss=1</script>',
  long: 'L'.repeat(5000),
  rtl: '\u202Egnp.exe',
  zero: 'a\u200Bb\u200Dc\uFEFF',
  attr: '"><svg onload="window.__xss=1">',
};
const csv = (v) => `"${v.replaceAll('"', '""')}"`;
// How the page shows a value: characters that reorder or hide text as their code points.
const shown = (v) => v.replace(/[\u200B-\u200F\u202A-\u202E\u2066-\u2069\u061C\uFEFF]/g, (c) => `⟨U+${c.codePointAt(0).toString(16).toUpperCase().padStart(4, '0')}⟩`);

let browser, server, hostile;

before(async () => {
  // A site whose every metadata string is hostile: two small models, their table and the data
  // set's own description.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-'));
  fs.mkdirSync(path.join(dir, 'onnx'));
  fs.copyFileSync(path.join(HERE, '../../data/sample/ch_ppocr_mobile_v2.0_cls_infer.onnx'), path.join(dir, 'onnx/cls.onnx'));
  fs.copyFileSync(path.join(HERE, 'fixtures/tiny-cnn.onnx'), path.join(dir, 'onnx/tiny.onnx'));
  const rows = [
    ['file', 'model', 'Name', 'Task', 'Visual Category', 'Training-Dataset', 'licence', 'source'],
    ['cls.onnx', XSS.img, XSS.script, XSS.rtl, XSS.zero, XSS.long, XSS.attr, XSS.js],
    ['tiny.onnx', 'tiny', XSS.data, 'Task B', 'cat', 'ds', 'MIT', 'https://example.org/tiny'],
  ];
  fs.writeFileSync(path.join(dir, 'models.csv'), rows.map((r) => r.map(csv).join(',')).join('\n') + '\n');
  hostile = path.join(dir, 'site');
  execFileSync(DATA_PREP, ['build', '--onnx', path.join(dir, 'onnx'), '--models', path.join(dir, 'models.csv'), '--out', hostile,
    '--data-name', XSS.img, '--data-version', XSS.rtl, '--data-url', XSS.js, '--data-licence', XSS.script, '--banner', XSS.attr], { stdio: 'ignore' });
  server = await serve({ '/filterscope/': SITE, '/hostile/': hostile });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.close();
});

/** A page that records CSP violations and page errors from its first script on. */
async function page() {
  const ctx = await browser.newContext({ viewport: { width: 1300, height: 1000 } });
  const p = await ctx.newPage();
  await p.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  p.errors = [];
  p.on('pageerror', (e) => p.errors.push(String(e)));
  p.on('console', (m) => { if (m.type() === 'error' && /Content Security Policy/.test(m.text())) p.errors.push(m.text()); });
  return p;
}

/** Nothing of the corpus became markup, a handler or a script link; returns the page's text. */
async function inert(p, where) {
  const found = await p.evaluate(() => ({
    xss: window.__xss,
    handlers: [...document.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => a.name.startsWith('on'))).map((e) => e.tagName),
    tags: document.querySelectorAll('img, svg[onload], script:not([src]):not([type="module"]), iframe, object, embed').length,
    links: [...document.querySelectorAll('a[href]')].map((a) => [a.getAttribute('href'), a.rel]),
    violations: window.__violations,
  }));
  assert.equal(found.xss, undefined, `${where}: a script ran`);
  assert.deepEqual(found.handlers, [], `${where}: event handler attributes`);
  assert.equal(found.tags, 0, `${where}: elements from metadata`);
  for (const [href, rel] of found.links) {
    assert.ok(!/^\s*(javascript|data|vbscript|file):/i.test(href), `${where}: a link to ${href}`);
    if (/^https?:/.test(href)) assert.match(rel, /noopener/, `${where}: ${href} without noopener`), assert.match(rel, /noreferrer/);
  }
  assert.deepEqual(found.violations, [], `${where}: CSP violations`);
  return p.evaluate(() => document.body.innerText);
}

test('metadata written to attack the page shows as text on every view', async () => {
  const p = await page();
  const base = `${server.url}/filterscope/?data=/hostile/`;
  await p.goto(`${base}&view=overview`);
  await p.waitForSelector('#banner');
  let text = await inert(p, 'overview');
  assert.ok(text.includes(XSS.attr), 'the banner as text');
  await p.goto(`${base}&view=model&model=${encodeURIComponent(XSS.img)}`);
  await p.waitForSelector('#model-meta');
  text = await inert(p, 'model');
  for (const v of [XSS.img, XSS.script, XSS.rtl, XSS.zero, XSS.long, XSS.attr, XSS.js]) {
    assert.ok(text.includes(shown(v)), `model view shows ${shown(v).slice(0, 30)} as text`);
  }
  // The right-to-left override and the zero-width characters are shown, not obeyed.
  assert.ok(text.includes('⟨U+202E⟩gnp.exe') && text.includes('a⟨U+200B⟩b⟨U+200D⟩c⟨U+FEFF⟩'));
  // A row's name stays readable beside a 5,000-character value.
  const th = await p.$eval('#model-meta th', (e) => e.getBoundingClientRect().width);
  assert.ok(th > 60, `the row names are ${th}px wide`);
  // A very long value wraps inside the page rather than widening it.
  assert.ok(await p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), 'no horizontal overflow');
  await p.goto(`${base}&view=model&model=tiny`);
  await p.waitForSelector('#model-meta a[href="https://example.org/tiny"]');
  await inert(p, 'model tiny');
  await p.goto(`${base}&view=about`);
  await p.waitForSelector('#footer-data');
  text = await inert(p, 'about');
  assert.ok(text.includes(XSS.img) && text.includes(XSS.js), 'the data set\'s name and URL as text');
  await p.goto(`${base}&view=compare&by=Task`);
  await drawn(p, '#heatmap');
  await inert(p, 'compare');
  await p.goto(`${base}&view=quality&by=model`);
  await drawn(p, '#quality-sparsity');
  await inert(p, 'quality');
  assert.deepEqual(p.errors, []);
});

test('?data= takes only http(s) or a relative path: javascript:, data: and file: URLs are refused', async () => {
  const p = await page();
  for (const bad of ['javascript:window.__xss=1//', 'file:///etc/', 'data:application/json,{}']) {
    const before = server.requests.length;
    await p.goto(`${server.url}/filterscope/?data=${encodeURIComponent(bad)}`);
    await p.waitForSelector('#load-error');
    const msg = await p.textContent('#load-error');
    assert.ok(msg.includes(`?data=${bad}: only http(s) URLs, or a path relative to this page, are loaded`), msg);
    const asked = server.requests.slice(before).filter((u) => u.includes('manifest'));
    assert.deepEqual(asked, [], 'no data requested');
    await inert(p, bad);
  }
  assert.deepEqual(p.errors, []);
});

test('the built page carries a strict Content-Security-Policy, and every view runs under it', async () => {
  const html = fs.readFileSync(path.join(SITE, 'index.html'), 'utf8');
  const policy = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)">/)?.[1];
  assert.ok(policy, 'a CSP meta');
  for (const d of ["default-src 'self'", "object-src 'none'", "base-uri 'none'"]) assert.ok(policy.includes(d), d);
  assert.ok(!policy.includes('unsafe-inline') && !/'unsafe-eval'/.test(policy), policy);
  assert.ok(html.indexOf('Content-Security-Policy') < html.indexOf('<script'), 'before any script');
  const p = await page();
  for (const [view, sel] of [['overview', '#overview-h'], ['compare&by=Task', '#heatmap'], ['pair&by=Task', '#pair-h'], ['model&model=ppocrv4-det', '#model-meta'], ['quality&by=Task', '#quality-sparsity'], ['yours', '#yours-file:not([disabled])'], ['about', '#about-h']]) {
    await p.goto(`${server.url}/filterscope/?view=${view}`);
    await p.waitForSelector(sel, { timeout: 30000 });
    await settled(p);
    await inert(p, view);
  }
  // The figures' exports (PNG through a canvas, a blob link) work under it too.
  await p.goto(`${server.url}/filterscope/?view=quality&by=Task`);
  await drawn(p, '#quality-sparsity');
  const download = p.waitForEvent('download');
  await p.click('#quality-sparsity button:has-text("PNG")');
  assert.match((await download).suggestedFilename(), /\.png$/);
  await inert(p, 'export');
  assert.deepEqual(p.errors, []);
});
