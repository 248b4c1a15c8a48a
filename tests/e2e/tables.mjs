// Reading a figure's numbers as a visitor (or a screen reader) does: its data table, shared by the
// e2e suites that compare the page with the CLI.

/** The rows of figure `fig`'s data table (opened with its "data" button, then closed again). */
export async function table(p, fig) {
  await p.click(`#${fig} button:has-text("data")`);
  const rows = await p.$$eval(`#${fig}-data tbody tr`, (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
  await p.click(`#${fig} button:has-text("data")`);
  return rows;
}

/** Equal to the CLI's number but for the last digits printing and parsing can change. */
export const near = (a, b) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
