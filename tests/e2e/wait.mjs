// Waiting for the page, shared by the e2e suites.

/** Waits until the canvas inside `figure` shows more than two colours (something was drawn). */
export async function drawn(p, figure) {
  await p.waitForFunction((sel) => {
    const c = document.querySelector(`${sel} canvas`);
    if (!c || !c.width) return false;
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const seen = new Set();
    for (let i = 0; i < d.length; i += 4 * 97) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
    return seen.size > 2;
  }, figure, { timeout: 30000 });
}
