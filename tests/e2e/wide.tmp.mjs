import { chromium } from 'playwright-core';
import { serve } from '/work/main/tests/e2e/serve.mjs';
import { drawn } from '/work/main/tests/e2e/wait.mjs';
const server = await serve({ '/filterscope/': '/work/main/target/site-check' });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const p = await (await browser.newContext({ viewport: { width: 320, height: 700 } })).newPage();
for (const [v, f] of [['overview', '#eigen'], ['compare&by=Task', '#heatmap'], ['pair', '#density-b'], ['model', '#model-samples']]) {
  await p.goto(`${server.url}/filterscope/?view=${v}`); await drawn(p, f);
  console.log(v, await p.evaluate(() => [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > 321).slice(0, 8).map((e) => `${e.tagName}.${e.className}#${e.id} ${Math.round(e.getBoundingClientRect().right)}`)));
  await p.screenshot({ path: `/tmp/look/n320-${v.split('&')[0]}.png`, fullPage: true });
}
await browser.close(); server.close();
