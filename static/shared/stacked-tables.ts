/**
 * Narrow frames (the issue panel's column, a settings page under 760 px) show every table as stacked
 * rows: each cell on its own line, headed by its column's name. CSS does the stacking (styles.css); this
 * copies each column header's text onto its cells as `data-label`, for tables React renders anywhere on
 * the page (ours and Atlaskit's), whenever they change.
 */
function labelCells(root: ParentNode): void {
  for (const table of Array.from(root.querySelectorAll('table'))) {
    const headers = Array.from(table.querySelectorAll('thead th')).map((th) => (th.textContent ?? '').trim());
    if (headers.length === 0) continue;
    for (const row of Array.from(table.querySelectorAll('tbody tr'))) {
      Array.from(row.children).forEach((cell, i) => {
        const label = headers[i] ?? '';
        if (cell.getAttribute('data-label') !== label) cell.setAttribute('data-label', label);
      });
    }
  }
}

/** Keeps `data-label` on every table cell under `root` current; returns the function that stops it. */
export function labelTableCells(root: HTMLElement): () => void {
  let scheduled = false;
  const run = () => {
    scheduled = false;
    labelCells(root);
  };
  const observer = new MutationObserver(() => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(run);
  });
  // Attribute changes are not watched: our own data-label writes must not wake the observer.
  observer.observe(root, { childList: true, subtree: true, characterData: true });
  labelCells(root);
  return () => observer.disconnect();
}
