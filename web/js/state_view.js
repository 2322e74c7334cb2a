// The state of a compact on a day, as the ledger reported it for the
// interval that day falls in (ledger/compact/state_at.h, published per
// interval by ledger/site). Nothing here decides a status: it only puts
// the ledger's report into words, with a link to each fact it names.

import { h } from './dom.js';
import { enumWords } from './words.js';

const status = (v) => enumWords(v, 'COMPACT_STATUS_') || 'no status of its own is known';

// `ctx`: { summaries: Map(sequence -> summary), names, permalink }
export function stateView(state, ctx) {
  const out = [];
  const factLink = (f) => {
    if (!f) return '';
    const n = f.sequence;
    const certainty = enumWords(f.certainty, 'CERTAINTY_');
    const effect = f.effect && f.effect.status !== 'EFFECT_STATUS_IN_EFFECT'
      ? ` — ${enumWords(f.effect.status, 'EFFECT_STATUS_')} in effect${f.effect.because ? `: ${f.effect.because}` : ''}` : '';
    return h('span', { class: `fact-ref ${certainty}` },
      h('a', { href: ctx.permalink(n) }, `#${n}`), ` ${ctx.summaries.get(Number(n)) || ''} `,
      h('strong', { class: 'certainty' }, `[${certainty}${f.uncertainBecause ? `: ${f.uncertainBecause}` : ''}]`), effect);
  };
  const section = (title, items, render) => {
    if (!items || !items.length) return;
    out.push(h('h3', {}, title), h('ul', {}, items.map((i) => h('li', {}, render(i)))));
  };
  const seqs = (label, list) => (list && list.length
    ? [` ${label} `, list.flatMap((s, i) => [i ? ', ' : '', h('a', { href: ctx.permalink(s) }, `#${s}`)])] : []);

  out.push(h('p', { class: 'compact-status' }, 'Status: ', h('strong', {}, status(state.status)),
    ' (from facts certain and in effect on this day only).'));
  // A former party (withdrawn, or its body dissolved): its status is what the
  // compact was for it before, and its steps below stay as history.
  const isFormer = (p) => p.standing === 'PARTY_STANDING_WITHDRAWN' || p.standing === 'PARTY_STANDING_CEASED';
  const former = (p) => {
    if (!isFormer(p)) return '';
    const how = p.standing === 'PARTY_STANDING_CEASED' ? 'ceased (body dissolved)' : 'withdrew';
    const since = p.since ? ` ${p.since.asWritten || p.since.edtf}` : '';
    const successor = p.successor ? `, replaced by ${ctx.names[p.successor] || p.successor}` : '';
    return [' — ', h('strong', {}, 'FORMER party'), `: ${how}${since}${successor} `,
      p.sequence !== undefined ? h('a', { href: ctx.permalink(p.sequence) }, `#${p.sequence}`) : ''];
  };
  section('Status per party', state.partyStatuses, (p) => [
    `${p.bodyName || p.bodyId}: `, isFormer(p) ? 'was ' : '', h('strong', {}, status(p.status)), p.possibly ? ` — possibly ${p.possibly}` : '',
    former(p)],
  );
  const step = (p) => [`${p.bodyName || p.bodyId}${p.onBehalfOf ? ` (on behalf of ${ctx.names[p.onBehalfOf] || p.onBehalfOf})` : ''}: `, factLink(p.fact)];
  section('Endorsements', state.endorsements, step);
  section('Recommendations', state.recommendations, step);
  section('Adoptions', state.adoptions, step);
  section('Signatures', state.signatures, step);
  section('Withdrawals', state.withdrawals, step);
  const sup = (s) => [`${s.compactTitle || s.compactId}${s.forBodyIds && s.forBodyIds.length ? ` for ${s.forBodyIds.map((b) => ctx.names[b] || b).join(', ')}` : ' for everyone'}${s.condition ? ` (${s.condition})` : ''}: `, factLink(s.fact)];
  section('Supersedes', state.supersedes, sup);
  section('Superseded by', state.supersededBy, sup);
  section('Codes of practice', state.codes, (c) => [
    h('strong', {}, c.title), c.alsoKnownAs && c.alsoKnownAs.length ? ` (also: ${c.alsoKnownAs.join(', ')})` : '',
    c.identityInferred ? ' [inferred: one code by name, not stated]' : '',
    `: ${enumWords(c.status, 'CODE_STATUS_') || 'status not certain'}`,
    c.overdue ? h('strong', { class: 'overdue' }, ' — OVERDUE (a plan for it passed unmet)') : '',
    h('ul', {}, (c.facts || []).map((f) => h('li', {}, factLink(f))))]);
  section('Consultations', state.consultations, (c) => [
    `${c.consultationId}: ${enumWords(c.stage, 'CONSULTATION_STAGE_')}`,
    h('ul', {}, (c.facts || []).map((f) => h('li', {}, factLink(f))))]);
  section('Mediation cases', state.mediationCases, (m) => [
    `${m.caseId}: ${enumWords(m.stage, 'MEDIATION_STAGE_')} (requested by ${ctx.names[m.requestedBy] || m.requestedBy || '?'}${m.against ? ` against ${ctx.names[m.against] || m.against}` : ''}${m.issue ? `: ${m.issue}` : ''})`,
    h('ul', {}, (m.steps || []).map((f) => h('li', {}, factLink(f))))]);
  section('Open proposals (asked for, not decided)', state.openProposals, (p) => [
    factLink(p.fact), ...seqs('possibly resolved by', p.possiblyResolvedBy)]);
  section('Resolved proposals', state.resolvedProposals, (p) => [factLink(p.fact), ...seqs('resolved by', p.resolvedBy)]);
  section('Plans', state.plans, (p) => [
    h('strong', { class: `plan-${enumWords(p.status, 'PLAN_STATUS_')}` }, `${enumWords(p.status, 'PLAN_STATUS_').toUpperCase()}: `),
    factLink(p.fact), ...seqs('met by', p.metBy), ...seqs('possibly met by', p.possiblyMetBy)]);
  section('Other decisions and occurrences', state.otherFacts, factLink);
  section('Uncertain on this day', state.uncertain, factLink);
  section('Sources disagree', state.disagreements, (d) => [
    d.conflict ? [h('a', { href: ctx.permalink(d.conflict.sequence) }, `#${d.conflict.sequence}`), ` ${(d.conflict.annotation || {}).text || ''}`] : '',
    h('ul', { class: 'side-by-side' }, (d.claims || []).map((f) => h('li', {}, factLink(f))))]);
  section('Retracted by a correction', state.retracted, factLink);
  return out;
}
