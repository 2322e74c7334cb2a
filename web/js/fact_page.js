// fact.html#<sequence>: opens the page that shows that fact, at the fact.

import { openSite } from './page.js';

async function main() {
  const status = document.getElementById('status');
  const raw = (location.hash || '').replace(/^#(fact-)?/, '') || new URLSearchParams(location.search).get('seq') || '';
  if (!/^\d+$/.test(raw)) {
    status.textContent = `"${raw}" is not a fact's sequence number: use fact.html#<sequence>, e.g. fact.html#57.`;
    return;
  }
  const { index } = await openSite();
  const home = index.factHomes[raw];
  if (!home) {
    status.textContent = `No page of this site shows fact #${raw}.`;
    return;
  }
  const [kind, file] = home.split('/');
  const list = kind === 'compact' ? index.compacts : index.bodies;
  const item = list.find((x) => x.file === file);
  location.replace(`${kind}.html?id=${encodeURIComponent(item.id)}#fact-${raw}`);
}

main().catch((e) => { document.getElementById('status').textContent = `Could not open the fact: ${e.message}`; });
