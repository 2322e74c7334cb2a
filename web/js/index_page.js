// The index: every compact and body the log holds.

import { h, openSite, failPage } from './page.js';

async function main() {
  const { index } = await openSite();
  document.getElementById('content').replaceChildren(
    h('h2', {}, 'Compacts'),
    h('ul', {}, index.compacts.map((c) => h('li', {},
      h('a', { href: `compact.html?id=${encodeURIComponent(c.id)}` }, c.title),
      c.versionLabel ? ` — ${c.versionLabel}` : '', ` (${c.facts} facts)`))),
    h('h2', {}, 'Bodies'),
    h('ul', {}, index.bodies.map((b) => h('li', {},
      h('a', { href: `body.html?id=${encodeURIComponent(b.id)}` }, b.name), b.shortName ? ` (${b.shortName})` : ''))),
    h('p', {}, `The data describes the log's first ${index.treeSize} entries.`));
}

main().catch(failPage);
