import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';
import { drawn } from './wait.mjs';
const [site, synth, out] = process.argv.slice(2);
const server = await serve({ '/filterscope/': site, '/synth/': synth });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const urls = (process.env.URLS || 'task=view=compare&by=Task;model=data=SYN&view=compare&by=model').split(';');
const sizes = (process.env.SIZES || 'desk').split(',');
const themes = (process.env.THEMES || 'light').split(',');
for (const u of urls) {
  const [name, q] = u.split(/=(.*)/s);
  for (const size of sizes) for (const theme of themes) {
    const viewport = size === 'phone' ? { width: 390, height: 844 } : size === 'narrow' ? { width: 320, height: 700 } : { width: 1300, height: 1000 };
    const ctx = await browser.newContext({ viewport, colorScheme: theme });
    const p = await ctx.newPage();
    p.on('pageerror', (e) => console.log('PAGEERROR', String(e)));
    p.on('console', (m) => { if (m.type() === 'error') console.log('CONSOLE', m.text()); });
    await p.goto(`${server.url}/filterscope/?${q.replace('SYN', encodeURIComponent(server.url + '/synth/'))}`);
    try { await drawn(p, '#heatmap'); } catch (e) { console.log('not drawn', name); }
    await p.waitForTimeout(500);
    if (process.env.KEYS) { await p.focus('#heatmap canvas'); for (const k of process.env.KEYS.split(',')) await p.keyboard.press(k); await p.waitForTimeout(400); }
    if (process.env.FIND) { await p.fill('#find', process.env.FIND); await p.waitForTimeout(400); }
    const f = `${out}/${name}-${size}-${theme}.png`;
    await p.screenshot({ path: f, fullPage: true });
    console.log(f, p.url(), await p.textContent('#heatmap .hover').catch(() => ''));
    await ctx.close();
  }
}
await browser.close(); server.close();
