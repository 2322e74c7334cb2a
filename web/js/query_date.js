// The date a reader asks about, in the forms `ledgerctl replay --at` takes
// (EDTF Level 0 "YYYY", "YYYY-MM" or "YYYY-MM-DD"; a reduced-precision date
// means the END of that period, as ParseQueryDate in ledger/compact/edtf.h
// reads it), and the published interval it falls in. This only picks among
// the intervals the ledger wrote; the state in each comes from the ledger.

// "YYYY-MM-DD" for `text`, or null with `why` when it is not one of the
// accepted forms or not a real day.
export function parseQueryDate(text) {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(String(text).trim());
  const why = `"${text}" is not a date: give YYYY, YYYY-MM or YYYY-MM-DD (a year or month means its last day)`;
  if (!m) return { day: null, why };
  const year = Number(m[1]);
  const month = m[2] ? Number(m[2]) : 12;
  if (month < 1 || month > 12) return { day: null, why: `"${text}": there is no month ${m[2]}` };
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const day = m[3] ? Number(m[3]) : last;
  if (day < 1 || day > last) return { day: null, why: `"${text}": ${year}-${m[2]} has no day ${m[3]}` };
  const pad = (n, w) => String(n).padStart(w, '0');
  return { day: `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`, why: '' };
}

// The interval ({from, to}; "" is unbounded, both ends included) that
// holds `day` ("YYYY-MM-DD"), or null. Days compare as strings because
// they are all four-digit years, zero-padded.
export function intervalFor(intervals, day) {
  return intervals.find((i) => (i.from === '' || i.from <= day) && (i.to === '' || day <= i.to)) || null;
}

// "from 2006-06-29 to 2006-06-30", "until 2005-05-31", "from 2011-10-01 on".
export function intervalWords(interval) {
  if (interval.from === '' && interval.to === '') return 'on every day';
  if (interval.from === '') return `on every day until ${interval.to}`;
  if (interval.to === '') return `on every day from ${interval.from} on`;
  if (interval.from === interval.to) return `on ${interval.from} only`;
  return `on every day from ${interval.from} to ${interval.to}`;
}
