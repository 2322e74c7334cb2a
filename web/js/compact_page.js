// The compact's page: its state on a chosen date (the ledger's report for
// the interval that date falls in), its timeline, and each fact with its
// source and annotations, every fact verified against the log.

import { h, fetchJson, openSite, permalink, registrationOf, registeredIn, verifyShownFacts, focusFragment, failPage } from './page.js';
import { factCard } from './fact_card.js';
import { stateView } from './state_view.js';
import { timelineSvgs } from './timeline.js';
import { parseQueryDate, intervalFor, intervalWords } from './query_date.js';

async function main() {
  const params = new URLSearchParams(location.search);
  const id = params.get('id') || '';
  const { index, verifier } = await openSite();
  performance.mark('page:site-loaded');
  const entry = index.compacts.find((c) => c.id === id);
  if (!entry) throw new Error(`there is no compact "${id}" in this log; see the list of compacts`);
  const data = await fetchJson(`data/compact/${entry.file}.json`);
  performance.mark('page:data-loaded');
  const registration = registrationOf(data, 'compactRegistered', 'compactId', id);
  const c = registration.event.compactRegistered;
  document.title = `${c.title} – Compact Ledger`;
  document.getElementById('title').textContent = c.title;

  const facts = new Map(data.facts.map((f) => [Number(f.sequence), f]));
  const sources = new Map(data.facts.filter((f) => f.kind === 'sourceRegistered')
    .map((f) => [f.event.sourceRegistered.sourceId, f]));
  const summaries = new Map(data.facts.map((f) => [Number(f.sequence), f.summary]));
  const link = permalink('compact', id);
  const ctx = { facts, sources, summaries, names: index.bodyNames, permalink: (n) => `#fact-${n}` };

  const content = document.getElementById('content');
  const parties = (c.partyIds || []).map((b) => index.bodyNames[b] || b);
  const about = h('section', { 'aria-labelledby': 'about-title' }, h('h2', { id: 'about-title' }, 'About this compact'),
    h('p', {}, ...registeredIn(registration)),
    h('dl', {},
      c.versionLabel ? [h('dt', {}, 'Version'), h('dd', {}, c.versionLabel)] : [],
      c.alsoKnownAs && c.alsoKnownAs.length ? [h('dt', {}, 'Also known as'), h('dd', {}, c.alsoKnownAs.join('; '))] : [],
      c.scope ? [h('dt', {}, 'Scope'), h('dd', {}, `${c.scope.replace('SCOPE_', '').toLowerCase()}${c.area ? `: ${c.area}` : ''}`)] : [],
      parties.length ? [h('dt', {}, 'Parties'), h('dd', {}, parties.join('; '))] : []));

  // The reader's own calendar day, not UTC's: just after midnight in
  // summer time UTC is still on yesterday.
  const now = new Date();
  const today = [now.getFullYear(), now.getMonth() + 1, now.getDate()].map((x, i) => String(x).padStart(i ? 2 : 4, '0')).join('-');
  const atInput = h('input', { id: 'at', name: 'at', type: 'text', inputmode: 'numeric', autocomplete: 'off',
    spellcheck: 'false', 'aria-describedby': 'at-hint', value: params.get('at') || today });
  const stateBody = h('div', { id: 'state', 'aria-live': 'polite' });
  const form = h('form', { id: 'date-form', class: 'no-print' },
    h('div', { class: 'field' },
      h('label', { for: 'at' }, 'Show the state on'),
      h('p', { class: 'hint', id: 'at-hint' }, 'YYYY, YYYY-MM or YYYY-MM-DD, as ledgerctl replay --at takes it: a year or a month means its last day.'),
      atInput),
    h('button', { type: 'submit' }, 'Show the state'));
  const showState = () => {
    const { day, why } = parseQueryDate(atInput.value);
    if (!day) {
      atInput.setAttribute('aria-invalid', 'true');
      stateBody.replaceChildren(h('p', { class: 'status failed', role: 'alert', id: 'state-error' }, why));
      return;
    }
    atInput.removeAttribute('aria-invalid');
    const interval = intervalFor(data.intervals, day);
    const heading = h('h3', { id: 'state-day', 'data-day': day }, `On ${day}`);
    const shown = h('p', { class: 'interval', id: 'state-interval', 'data-from': interval.from, 'data-to': interval.to },
      `The ledger reports the same state ${intervalWords(interval)}: this is its report for that interval, as known at the newest checkpoint. `
      + 'Your browser checks each fact it names (below), not the report itself, which the ledger computed from them.');
    stateBody.replaceChildren(heading, shown, ...(interval.state
      ? stateView(interval.state, ctx)
      : [h('p', { class: 'compact-status' }, 'Status: ', h('strong', {}, 'not in the record yet'),
        ' (no fact of this compact with a known earliest day starts by this day).')]));
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const url = new URL(location.href);
    url.searchParams.set('at', atInput.value.trim());
    history.replaceState(null, '', url);
    showState();
  });
  const state = h('section', { 'aria-labelledby': 'state-title' }, h('h2', { id: 'state-title' }, 'State on a date'), form, stateBody);

  const svgs = timelineSvgs(data.timeline, summaries);
  const timeline = h('section', { 'aria-labelledby': 'timeline-title', class: 'timeline-section' },
    h('h2', { id: 'timeline-title' }, 'Timeline'),
    h('p', {}, 'In date order. A day is a mark; a date the sources give only as a range is a bar over the whole range (an arrow where it is open). Shapes: ',
      h('span', { class: 'legend' }, '● decision, ◆ proposal (asked for, not decided), ▲ plan, ■ occurrence, ▮ registration or other.'),
      ' Each row links to its fact.'),
    h('figure', {}, svgs, h('figcaption', {}, `${data.timeline.length} facts, each with its date as the source gives it.`)));

  const onTimeline = new Set(data.timeline.map((r) => Number(r.sequence)));
  const dated = data.timeline.map((r) => facts.get(Number(r.sequence)));
  const rest = data.facts.filter((f) => !onTimeline.has(Number(f.sequence)));
  const factsSection = h('section', { 'aria-labelledby': 'facts-title' },
    h('h2', { id: 'facts-title' }, 'The facts, in date order'),
    h('p', {}, `Each fact's permalink: `, h('code', {}, `${link('N')}`), ' or ', h('code', {}, 'fact.html#N'), '.'),
    dated.map((f) => factCard(f, ctx)),
    h('h2', { id: 'sources-title' }, 'Sources, annotations and other facts'),
    rest.map((f) => factCard(f, ctx)));

  content.replaceChildren(about, state, timeline, factsSection);
  showState();
  performance.mark('page:rendered');
  // Lay the page out now rather than at the first await of the checks, so
  // that the page's marks tell layout from verification.
  void content.offsetHeight;
  performance.mark('page:laid-out');
  focusFragment();
  window.addEventListener('hashchange', focusFragment);
  await verifyShownFacts(verifier, data.facts);
}

main().catch(failPage);
