// Words for the enum names and dates the ledger publishes, so a page says
// things in sentences and never by colour or shape alone.

// "COMPACT_STATUS_IN_FORCE" -> "in force".
export function enumWords(name, prefix) {
  if (!name) return '';
  const s = String(name).startsWith(prefix) ? String(name).slice(prefix.length) : String(name);
  return s.toLowerCase().replace(/_/g, ' ');
}

// The four kinds of fact the ledger keeps apart (docs/domain.md), and the
// registrations.
export const KIND_WORDS = {
  proposal: 'Proposal (asked for, not decided)',
  decision: 'Decision',
  plan: 'Plan (to be done by a date)',
  occurrence: 'Occurrence (happened)',
  annotation: 'Annotation',
  sourceRegistered: 'Source registered',
  bodyRegistered: 'Body registered',
  membershipRecorded: 'Membership',
  bodySucceeded: 'Succession',
  compactRegistered: 'Compact registered',
  codeRegistered: 'Code of practice registered',
};

export function kindWords(kind) {
  return KIND_WORDS[kind] || kind;
}

// A stored date in words, exactly as precise as the source: a day, or a
// range with "the sources do not give the day", never an invented day.
export function dateWords(date) {
  if (!date) return 'undated';
  const e = date.earliest || '';
  const l = date.latest || '';
  const flags = [date.uncertain ? 'uncertain (?)' : '', date.approximate ? 'approximate (~)' : ''].filter(Boolean);
  let when;
  if (e && e === l) when = `on ${e}`;
  else if (e && l) when = `some day in [${e} .. ${l}]: the sources do not give the day`;
  else if (l) when = `on or before ${l}: the sources do not give the day`;
  else if (e) when = `on or after ${e}: the sources do not give the day`;
  else when = 'undated';
  const written = date.asWritten ? `“${date.asWritten}”, ` : '';
  const edtf = date.edtf ? ` (EDTF ${date.edtf})` : '';
  return `${written}${when}${edtf}${flags.length ? `; ${flags.join(', ')}` : ''}`;
}

export function isRange(date) {
  return !date || !date.earliest || !date.latest || date.earliest !== date.latest;
}
