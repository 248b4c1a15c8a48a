// Waiting for the page, shared by the e2e suites.

/**
 * Waits until the canvas inside `figure` shows more than two colours (something was drawn) and
 * the page has drawn everything it asked for ([`settled`]).
 */
export async function drawn(p, figure) {
  await p.waitForFunction((sel) => {
    const c = document.querySelector(`${sel} canvas`);
    if (!c || !c.width) return false;
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const seen = new Set();
    for (let i = 0; i < d.length; i += 4 * 97) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
    return seen.size > 2;
  }, figure, { timeout: 30000 });
  await settled(p);
}

/**
 * Waits until the page has shown everything it asked for: no answer of the data worker awaited
 * and no figure waiting to be drawn (the page's `data-settled`, web/src/page/settled.rs).
 */
export async function settled(p) {
  await p.waitForFunction(() => document.documentElement.hasAttribute('data-settled'), null, { timeout: 60000 });
}

/** Polls `check` (async, in the test) until it is true; fails naming `what` after 60 s. */
export async function until(check, what) {
  const end = Date.now() + 60000;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`waited 60 s for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
