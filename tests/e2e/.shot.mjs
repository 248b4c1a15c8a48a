// Local screenshots (not a test): node .shot.mjs SITE 'QUERY' name [figure]
import { serve } from './serve.mjs';
import { launch } from './browser.mjs';
import { drawn, settled } from './wait.mjs';
const [site, query, name, figure = '#heatmap', data] = process.argv.slice(2);
const mounts = { '/filterscope/': site };
if (data) mounts['/data/'] = data;
const server = await serve(mounts);
const browser = await launch();
for (const [w, h, tag] of [[1280, 900, 'desktop'], [390, 844, 'phone']]) {
  for (const scheme of ['light', 'dark']) {
    const ctx = await browser.newContext({ viewport: { width: w, height: h }, colorScheme: scheme });
    const p = await ctx.newPage();
    const q = data ? `data=${encodeURIComponent(server.url + '/data/')}&${query}` : query;
    await p.goto(`${server.url}/filterscope/?${q}`);
    await drawn(p, figure);
    await settled(p);
    await p.screenshot({ path: `/work/main/target/prof/${name}-${tag}-${scheme}.png`, fullPage: tag === 'desktop' });
    await ctx.close();
  }
}
await browser.close();
server.close();
