// Accessibility: axe-core (WCAG 2 A/AA and best practices) on every view, light and dark, desktop
// and phone size; the suite fails on any violation of impact serious or critical. Env as for
// explorer.test.mjs (SITE_DIR, the built site; DATA_PREP, for a Your-model link).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { launch } from './browser.mjs';
import { serve } from './serve.mjs';
import { drawn } from './wait.mjs';

const SITE = process.env.SITE_DIR;
assert.ok(SITE && fs.existsSync(path.join(SITE, 'index.html')), 'SITE_DIR must hold a built site');
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const DATA_PREP = process.env.DATA_PREP;
assert.ok(DATA_PREP && fs.existsSync(DATA_PREP), 'DATA_PREP must name the data-prep binary');
const HERE = path.dirname(new URL(import.meta.url).pathname);
const MODEL = path.join(HERE, '../../data/sample/ch_PP-OCRv4_det_infer.onnx');
// Several models (a link to three checkpoints of a run): the list, the tensors and the D between them.
const RUN = [1, 2, 3].map((e) => path.join(HERE, `fixtures/checkpoints/run/epoch_${e}.safetensors`));

let browser, server;

before(async () => {
  server = await serve({ '/filterscope/': SITE });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.close();
});

// The compare view twice: as it opens, and zoomed with a search whose one match lists its nearest groups.
// Your model and Quality with a model (from a link's fragment) too, and Your model with several.
const VIEWS = [['yours&model-link', '#yours-sparsity'], ['quality&by=Task&model-link', '#quality-sparsity'], ['overview', '#eigen'], ['compare', '#heatmap'], ['compare&zoom=1,1,2&find=Classification', '#heatmap'], ['pair', '#density-b'], ['model', '#model-samples'], ['quality', '#quality-entropy'], ['about', '#provenance'], ['yours&models-link', '#yours-between'], ['yours', '#yours-file:not([disabled])']];
const SIZES = { desktop: { width: 1300, height: 1000 }, phone: { width: 390, height: 844 } };

for (const scheme of ['light', 'dark']) {
  for (const [size, viewport] of Object.entries(SIZES)) {
    test(`axe finds no serious or critical violation (${scheme}, ${size})`, async () => {
      // bypassCSP: the page's policy would refuse the audit's own script.
      const ctx = await browser.newContext({ viewport, colorScheme: scheme, bypassCSP: true });
      const p = await ctx.newPage();
      const found = [];
      for (const [view, figure] of VIEWS) {
        const page = `${server.url}/filterscope/?view=${view.replace(/&models?-link/, '')}`;
        const files = view.endsWith('&model-link') ? [MODEL] : view.endsWith('&models-link') ? RUN : [];
        const url = files.length
          ? execFileSync(DATA_PREP, ['yours', ...files, '--site', path.join(SITE, 'data'), '--link', page], { encoding: 'utf8' }).trim().split('\n').at(-1)
          : page;
        await p.goto(url);
        // Views without a figure until the visitor acts: wait for their content instead.
        if (['#provenance', '#yours-file:not([disabled])'].includes(figure)) await p.waitForSelector(figure);
        else await drawn(p, figure);
        // Show each figure's data table too, so that the tables are audited as well.
        for (const b of await p.$$('figure.plot button:has-text("data")')) await b.click();
        await p.addScriptTag({ path: AXE });
        const result = await p.evaluate(() => window.axe.run(document, {
          runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
        }));
        for (const v of result.violations.filter((x) => ['serious', 'critical'].includes(x.impact))) {
          found.push(`${view}: ${v.id} (${v.impact}) at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}: ${v.help}`);
        }
      }
      await ctx.close();
      assert.deepEqual(found, []);
    });
  }
}

test('after a change of view, focus is on the new view\'s heading; the first load leaves it alone', async () => {
  const ctx = await browser.newContext({ viewport: SIZES.desktop });
  const p = await ctx.newPage();
  await p.goto(`${server.url}/filterscope/?view=overview`);
  await drawn(p, '#eigen');
  assert.equal(await p.evaluate(() => document.activeElement?.tagName), 'BODY');
  // By keyboard: Tab to the Compare link and press Enter.
  await p.focus('nav a:has-text("Compare")');
  await p.keyboard.press('Enter');
  await p.waitForFunction(() => document.activeElement?.id === 'compare-h', null, { timeout: 10000 });
  // Back goes to the overview, and focus follows.
  await p.goBack();
  await p.waitForFunction(() => document.activeElement?.id === 'overview-h', null, { timeout: 10000 });
  await ctx.close();
});
