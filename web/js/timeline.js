// The timeline of a compact as SVG, in date order: one row per fact, each
// placed on its date. A day is a mark of the fact's shape; a date the
// sources give only as a range (or an open "on or before"/"on or after")
// is drawn as a bar over the whole range, never as a day. Proposals,
// decisions, plans and occurrences differ by shape and in words: every row
// is a link to its fact with a text alternative saying its kind and date.

import { s } from './dom.js';
import { dateWords, kindWords, isRange } from './words.js';

const ROW = 28;
const LABEL = 150;   // the column of shapes and sequence numbers
const WIDTH = 720;
const AXIS_TOP = 30;

const dayNumber = (text) => Date.parse(`${text}T00:00:00Z`) / 86400000;

// The shape of a kind of fact, centred on (x, y).
export function shape(kind, x, y) {
  const r = 7;
  switch (kind) {
    case 'decision':
      return s('circle', { cx: x, cy: y, r, class: 'shape decision' });
    case 'proposal':
      return s('polygon', { points: `${x},${y - r - 1} ${x + r + 1},${y} ${x},${y + r + 1} ${x - r - 1},${y}`, class: 'shape proposal' });
    case 'plan':
      return s('polygon', { points: `${x},${y - r} ${x + r},${y + r} ${x - r},${y + r}`, class: 'shape plan' });
    case 'occurrence':
      return s('rect', { x: x - r, y: y - r, width: 2 * r, height: 2 * r, class: 'shape occurrence' });
    default:
      return s('rect', { x: x - 2, y: y - r, width: 4, height: 2 * r, class: 'shape other' });
  }
}

// Rows per <svg>: a long timeline is drawn in parts that all share one
// scale, so that the browser lays out only the parts near the screen.
export const ROWS_PER_PART = 200;

// `rows`: the compact's published timeline; `summaries`: fact sequence ->
// one-line summary. Returns the <svg> elements of its parts, in order; the
// first carries the axis of years.
export function timelineSvgs(rows, summaries, { href = (n) => `#fact-${n}` } = {}) {
  let first = Infinity;
  let last = -Infinity;
  for (const r of rows) {
    for (const d of [r.date.earliest, r.date.latest]) {
      if (!d) continue;
      const n = dayNumber(d);
      if (n < first) first = n;
      if (n > last) last = n;
    }
  }
  const firstYear = new Date((first === Infinity ? 0 : first) * 86400000).getUTCFullYear();
  const lastYear = new Date((last === -Infinity ? 0 : last) * 86400000).getUTCFullYear() + 1;
  const parts = [];
  for (let start = 0; start === 0 || start < rows.length; start += ROWS_PER_PART) {
    parts.push(timelinePart(rows, start, Math.min(rows.length, start + ROWS_PER_PART), firstYear, lastYear, summaries, href));
  }
  return parts;
}

function timelinePart(rows, start, end, firstYear, lastYear, summaries, href) {
  const t0 = dayNumber(`${String(firstYear).padStart(4, '0')}-01-01`);
  const t1 = dayNumber(`${String(lastYear).padStart(4, '0')}-01-01`);
  const left = LABEL + 10;
  const right = WIDTH - 12;
  const x = (text) => left + ((dayNumber(text) - t0) / (t1 - t0)) * (right - left);
  const top = start === 0 ? AXIS_TOP : 0;
  const height = top + (end - start) * ROW + (end === rows.length ? 10 : 0);
  const which = start === 0 && end === rows.length ? `${rows.length} facts` : `facts ${start + 1} to ${end} of ${rows.length}`;
  const svg = s('svg', {
    viewBox: `0 0 ${WIDTH} ${height}`, class: 'timeline', role: 'group',
    'aria-label': `Timeline of ${which} in date order, ${firstYear} to ${lastYear - 1}`,
  });
  // Through the CSSOM, which the pages' Content-Security-Policy allows
  // (a style attribute it would refuse).
  svg.style.containIntrinsicSize = `auto ${WIDTH}px auto ${height}px`;
  for (let year = firstYear; year <= lastYear; year++) {
    const yx = x(`${String(year).padStart(4, '0')}-01-01`);
    svg.append(s('line', { x1: yx, x2: yx, y1: Math.max(0, top - 6), y2: height, class: 'gridline', 'aria-hidden': 'true' }));
    if (year < lastYear && start === 0) {
      svg.append(s('text', { x: yx + 3, y: AXIS_TOP - 12, class: 'year', 'aria-hidden': 'true' }, String(year)));
    }
  }
  rows.slice(start, end).forEach((row, i) => {
    const y = top + i * ROW + ROW / 2;
    const n = row.sequence;
    const { earliest = '', latest = '' } = row.date;
    const range = isRange(row.date);
    const corrected = row.correctedBy !== undefined ? ` (date corrected by fact #${row.correctedBy})` : '';
    const retracted = row.retractedBy !== undefined ? ` (retracted by fact #${row.retractedBy})` : '';
    const words = `Fact #${n}, ${kindWords(row.kind)}, ${dateWords(row.date)}${corrected}${retracted}: ${summaries.get(n) || ''}`;
    const link = s('a', {
      href: href(n), class: `row kind-${row.kind}${range ? ' uncertain' : ''}`, 'aria-label': words,
      'data-sequence': n, 'data-earliest': earliest, 'data-latest': latest,
    }, s('title', {}, words));
    link.append(s('rect', { x: 0, y: y - ROW / 2 + 1, width: WIDTH, height: ROW - 2, class: 'rowband' }));
    link.append(shape(row.kind, 12, y));
    link.append(s('text', { x: 26, y: y + 5, class: 'rowlabel' }, `#${n} ${row.kind === 'plan' ? 'plan' : row.kind}`));
    if (!range) {
      link.append(shape(row.kind, x(earliest), y));
    } else {
      const from = earliest ? x(earliest) : left;
      const to = latest ? x(dayNumber(latest) + 1 <= t1 ? addDay(latest) : latest) : right;
      link.append(s('rect', { x: from, y: y - 5, width: Math.max(to - from, 2), height: 10, class: 'range' }));
      if (!earliest) link.append(s('polygon', { points: `${left - 6},${y} ${left},${y - 6} ${left},${y + 6}`, class: 'open-end' }));
      if (!latest) link.append(s('polygon', { points: `${right + 6},${y} ${right},${y - 6} ${right},${y + 6}`, class: 'open-end' }));
    }
    svg.append(link);
  });
  return svg;
}

function addDay(text) {
  return new Date(Date.parse(`${text}T00:00:00Z`) + 86400000).toISOString().slice(0, 10);
}
