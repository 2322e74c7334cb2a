// What every page of the web view does: load the published data, check the
// checkpoint, verify each shown fact and say the outcome in words.

import { h } from './dom.js';
import { loadSite, fetchJson, SiteVerifier } from './site.js';
import { showVerification } from './fact_card.js';

export { h, fetchJson };

// The published site (index and schema) and a verifier for it.
export async function openSite() {
  const { index, schema } = await loadSite('.');
  return { index, verifier: new SiteVerifier(index, schema, { base: '.' }) };
}

// The fact registering `id` (an event of `kind` whose `field` is `id`) among
// a page's facts. What a page says of its subject comes from that fact,
// checked against the log like every other, never from the published
// summary beside it. Throws when the published data holds none.
export function registrationOf(data, kind, field, id) {
  const fact = data.facts.find((f) => f.kind === kind && f.event[kind] && f.event[kind][field] === id);
  if (!fact) throw new Error(`the published data of "${id}" holds no registration fact to show it from`);
  return fact;
}

// The words that say where a page's details come from.
export const registeredIn = (fact) => ['As registered in ', h('a', { href: `#fact-${fact.sequence}` }, `fact #${fact.sequence}`),
  ', which is checked against the log with the other facts below.'];

export const permalink = (kind, id) => (n) => `${kind}.html?id=${encodeURIComponent(id)}#fact-${n}`;

// Checks the checkpoint and then every fact, updating each card and the
// page's tally. Resolves to { verified, failed: [{sequence, code, words}],
// unchecked, checkpoint } (unchecked: the sequences recorded after the
// checkpoint) and sets window.pageVerification to it (for tests and for
// readers' tools).
export async function verifyShownFacts(verifier, facts) {
  const checkpoint = document.getElementById('checkpoint');
  const tally = document.getElementById('tally');
  const head = await verifier.start();
  performance.mark('page:checkpoint-checked');
  if (head.ok) {
    const cosigned = head.cosignedBy.length ? `, cosigned by ${head.cosignedBy.join(', ')}` : '';
    checkpoint.className = 'status ok';
    checkpoint.textContent = `The log "${head.origin}" has a checkpoint of size ${head.size} signed by ${head.signedBy.join(', ')}${cosigned}, and its tiles hash to the checkpoint's root.`;
  } else {
    checkpoint.className = 'status failed';
    checkpoint.textContent = `NOT verified: the log's checkpoint failed: ${head.error.code}: ${head.error.message}. No fact on this page is verified.`;
  }
  // Cards change once per frame, in one batch: changing them one by one as
  // results arrive would lay a long page out again for each.
  let shown = [];
  let frame = null;
  const flush = () => {
    frame = null;
    for (const [n, r] of shown) showVerification(n, r);
    shown = [];
  };
  const results = await Promise.all(facts.map(async (f) => {
    const r = await verifier.verifyFact(f);
    shown.push([f.sequence, r]);
    if (frame === null) frame = requestAnimationFrame(flush);
    return { sequence: f.sequence, ...r };
  }));
  if (frame !== null) cancelAnimationFrame(frame);
  flush();
  performance.mark('page:facts-checked');
  const failed = results.filter((r) => !r.ok && !r.unchecked)
    .map((r) => ({ sequence: r.sequence, code: r.code, words: r.words }));
  const verified = results.filter((r) => r.ok).map((r) => r.sequence);
  const unchecked = results.filter((r) => r.unchecked).map((r) => r.sequence);
  const links = (sequences) => sequences.flatMap((n, i) => [i ? ', ' : '', h('a', { href: `#fact-${n}` }, `fact #${n}`)]);
  // Facts recorded after the newest checkpoint: said apart from failures,
  // since nothing found them wrong, and never counted as verified.
  const newer = unchecked.length
    ? [` Not yet checked, recorded after the signed checkpoint of size ${head.size}: `, ...links(unchecked), '.']
    : [];
  if (!head.ok) {
    // Nothing on the page is verified, even when it shows no fact.
    tally.className = 'status failed';
    tally.textContent = `NOT verified: none of the ${results.length} facts on this page, since the log's checkpoint failed.`;
  } else if (failed.length) {
    tally.className = 'status failed';
    tally.replaceChildren(`${verified.length} of ${results.length} facts verified. NOT verified: `,
      ...failed.flatMap((f, i) => [i ? '; ' : '', h('a', { href: `#fact-${f.sequence}` }, `fact #${f.sequence}`), ` (${f.code})`]), '.',
      ...newer);
  } else if (unchecked.length) {
    tally.className = 'status unchecked';
    tally.replaceChildren(`${verified.length} of ${results.length} facts verified; none found wrong.`, ...newer);
  } else {
    tally.className = 'status ok';
    tally.textContent = results.length ? `All ${results.length} facts on this page verified.`
      : 'This page shows no fact to verify.';
  }
  const outcome = { verified, failed, unchecked, checkpoint: head.ok ? head.size : null };
  window.pageVerification = outcome;
  document.body.dataset.verified = failed.length || !head.ok ? 'failed' : unchecked.length ? 'unchecked' : 'ok';
  return outcome;
}

// Brings the fact named by the URL's #fact-N into view and focus.
export function focusFragment() {
  const m = /^#fact-(\d+)$/.exec(location.hash);
  if (!m) return;
  const el = document.getElementById(`fact-${m[1]}`);
  if (!el) return;
  el.setAttribute('tabindex', '-1');
  el.classList.add('target');
  el.scrollIntoView();
  el.focus();
}

export function failPage(e) {
  const content = document.getElementById('content');
  content.replaceChildren(h('p', { class: 'status failed', role: 'alert' },
    `This page could not be shown: ${e && e.message ? e.message : e}`));
  // The status lines must not go on saying that checking is under way.
  for (const id of ['checkpoint', 'tally']) {
    const status = document.getElementById(id);
    if (status) {
      status.className = 'status failed';
      status.textContent = id === 'checkpoint' ? 'Nothing was checked: this page could not be shown.' : '';
    }
  }
  window.pageVerification = { verified: [], unchecked: [], failed: [{ sequence: null, code: e && e.code, words: String(e && e.message) }] };
  document.body.dataset.verified = 'failed';
}
