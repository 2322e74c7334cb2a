// A body's page: its registration, memberships, successions, and what it
// decided, proposed, planned or did, each fact verified against the log.

import { h, fetchJson, openSite, registrationOf, registeredIn, verifyShownFacts, focusFragment, failPage } from './page.js';
import { factCard } from './fact_card.js';

const ROLE_ORDER = ['registration', 'succeeds', 'succeeded by', 'has member', 'member of', 'represented by',
  'by this body', 'addressed to this body', 'names this body'];
const ROLE_TITLES = {
  registration: 'Registration',
  succeeds: 'Succeeds',
  'succeeded by': 'Succeeded by',
  'has member': 'Its members',
  'member of': 'Member of',
  'represented by': 'Represented by',
  'by this body': 'What it decided, proposed, planned or did',
  'addressed to this body': 'Asked of it or recommended to it',
  'names this body': 'Other facts naming it',
};

async function main() {
  const id = new URLSearchParams(location.search).get('id') || '';
  const { index, verifier } = await openSite();
  const entry = index.bodies.find((b) => b.id === id);
  if (!entry) throw new Error(`there is no body "${id}" in this log; see the list of bodies`);
  const data = await fetchJson(`data/body/${entry.file}.json`);
  const registration = registrationOf(data, 'bodyRegistered', 'bodyId', id);
  const body = registration.event.bodyRegistered;
  document.title = `${body.name} – Compact Ledger`;
  document.getElementById('title').textContent = body.name;
  const facts = new Map(data.facts.map((f) => [Number(f.sequence), f]));
  const sources = new Map(data.facts.filter((f) => f.kind === 'sourceRegistered')
    .map((f) => [f.event.sourceRegistered.sourceId, f]));
  const ctx = { facts, sources, names: index.bodyNames, permalink: (n) => `#fact-${n}` };
  const sections = [];
  for (const role of ROLE_ORDER) {
    const seqs = Object.entries(data.roles).filter(([, r]) => r === role).map(([s]) => Number(s));
    if (!seqs.length) continue;
    sections.push(h('section', {}, h('h2', {}, ROLE_TITLES[role]), seqs.map((s) => factCard(facts.get(s), ctx))));
  }
  const others = data.facts.filter((f) => !(String(f.sequence) in data.roles));
  if (others.length) sections.push(h('section', {}, h('h2', {}, 'Sources and annotations'), others.map((f) => factCard(f, ctx))));
  document.getElementById('content').replaceChildren(
    h('p', {}, ...registeredIn(registration), ' ',
      body.shortName ? `Short name: ${body.shortName}. ` : '',
      body.parentId ? ['Part of ', h('a', { href: `body.html?id=${encodeURIComponent(body.parentId)}` }, index.bodyNames[body.parentId] || body.parentId), '.'] : ''),
    ...sections);
  focusFragment();
  await verifyShownFacts(verifier, data.facts);
}

main().catch(failPage);
