// One fact as a card: what kind of fact it is (in words), its date exactly
// as precise as the source, its source (title, locator, the quoted words),
// its annotations, a permalink, and its verification, which starts as
// "checking" and becomes "verified: …" or a red "NOT verified: …".

import { h } from './dom.js';
import { dateWords, enumWords, kindWords } from './words.js';

// `ctx`: { facts: Map(sequence -> fact), names: {bodyId: name},
//          permalink(sequence) -> href }
export function factCard(fact, ctx) {
  const e = fact.event || {};
  const n = fact.sequence;
  const name = (id) => (id ? ctx.names[id] || id : '');
  const card = h('article', { class: `fact kind-${fact.kind}`, id: `fact-${n}`, 'aria-labelledby': `fact-${n}-title` });
  card.append(h('h3', { id: `fact-${n}-title` },
    h('a', { href: ctx.permalink(n), class: 'permalink' },
      h('span', { class: 'seq' }, `#${n}`), ' ', h('span', { class: 'kind' }, kindWords(fact.kind)))));
  card.append(h('p', { class: 'summary' }, fact.summary));
  const rows = [];
  const row = (term, ...value) => rows.push(h('dt', {}, term), h('dd', {}, ...value));
  if (e.date) row('Date', dateWords(e.date));
  if (e.effect) {
    const start = e.effect.immediate ? 'with its own date' : e.effect.from ? dateWords(e.effect.from)
      : e.effect.onEvent ? `when fact #${e.effect.onEvent.sequence || e.effect.onEvent.ref} takes place` : '';
    row('Takes effect', `“${e.effect.asWritten}”: ${start}`);
  }
  if (e.plan && e.plan.due) row('Due', dateWords(e.plan.due));
  if (e.proposal && e.proposal.addressedTo) row('Asks', name(e.proposal.addressedTo));
  if (e.decision && e.decision.kind) row('Decided', enumWords(e.decision.kind, 'DECISION_KIND_'));
  if (e.decision && e.decision.recommendedTo) row('Recommended to', name(e.decision.recommendedTo));
  if (e.actor && e.actor.bodyId) {
    row('By', name(e.actor.bodyId), e.actor.onBehalfOf ? ` on behalf of ${name(e.actor.onBehalfOf)}` : '');
  }
  if (e.meeting) {
    row('Meeting', [name(e.meeting.bodyId), enumWords(e.meeting.kind, 'MEETING_KIND_'),
      e.meeting.reference, e.meeting.date ? dateWords(e.meeting.date) : ''].filter(Boolean).join(', '));
  }
  const action = (e.proposal || e.decision || e.plan || e.occurrence || {}).action;
  if (action && action.bodyIds && action.bodyIds.length) row('For', action.bodyIds.map(name).join(', '));
  if (action && action.condition) row('Condition', action.condition);
  if (e.annotation) {
    row('Annotation', `${enumWords(e.annotation.kind, 'ANNOTATION_KIND_')}${e.annotation.retracts ? ' (retracts)' : ''}: ${e.annotation.text || ''}`);
    const target = e.annotation.target || {};
    if (target.sequence !== undefined) row('About', h('a', { href: ctx.permalink(target.sequence) }, `fact #${target.sequence}`));
  }
  if (e.inferred) row('Inferred', 'no source states this in so many words; see the note');
  if (e.note) row('Note', e.note);
  if (rows.length) card.append(h('dl', {}, rows));
  for (const c of e.citations || []) {
    const source = ctx.sources.get(c.sourceId);
    const title = source ? source.event.sourceRegistered.title : c.sourceId;
    card.append(h('figure', { class: 'source' },
      h('blockquote', {}, c.quote || ''),
      h('figcaption', {}, 'Source: ', source ? h('a', { href: ctx.permalink(source.sequence) }, title) : title,
        c.locator ? `, ${c.locator}` : '')));
  }
  const notes = (fact.annotations || []).filter((a) => ctx.facts.has(a));
  if (notes.length) {
    card.append(h('p', { class: 'annotations' }, 'Annotated by: ',
      notes.flatMap((a, i) => [i ? ', ' : '', h('a', { href: ctx.permalink(a) },
        `#${a} (${enumWords(ctx.facts.get(a).event.annotation.kind, 'ANNOTATION_KIND_')})`)])));
  }
  card.append(h('p', { class: 'verify pending', id: `verify-${n}`, role: 'status' }, 'Checking this fact against the log…'));
  return card;
}

// Shows a verification outcome on the card of fact `n`.
export function showVerification(n, result) {
  const p = document.getElementById(`verify-${n}`);
  if (!p) return;
  const state = result.ok ? 'ok' : result.unchecked ? 'unchecked' : 'failed';
  p.className = `verify ${state}`;
  const recorded = result.ok && result.entry
    ? ` Recorded ${result.entry.recordedAt} by ${result.entry.actor || 'unknown'} in stream ${result.entry.stream}.` : '';
  p.textContent = `${result.ok ? '' : `Fact #${n}: `}${result.words}.${recorded}`;
  const card = document.getElementById(`fact-${n}`);
  if (card) {
    card.classList.toggle('tampered', state === 'failed');
    card.classList.toggle('unchecked', state === 'unchecked');
  }
}
