// The web view's pages on the published seed log (made by
// make_site_fixture and run_browser_tests.py --suite site): the state they
// show is what `ledgerctl replay` prints, every fact is verified, tampering
// shows in red naming what failed, uncertain dates are drawn as ranges,
// keyboard users reach every fact, and permalinks open their fact.

import { test, assert, assertEqual, fetchJson, runAll } from './harness.js';
import { canonical } from '../../web/js/site.js';
import { intervalFor, parseQueryDate } from '../../web/js/query_date.js';
import { enumWords } from '../../web/js/words.js';

const FIXTURE = '/fixture';
const DEADLINE_MS = 60000;

// Opens `url` in a same-origin iframe and waits (with a deadline) until
// the page has verified its facts (window.pageVerification is set) or failed.
async function openPage(url) {
  const frame = document.createElement('iframe');
  frame.style.width = '1000px';
  frame.style.height = '800px';
  document.body.append(frame);
  frame.src = url;
  const started = performance.now();
  for (;;) {
    const w = frame.contentWindow;
    if (w && w.pageVerification && w.document.readyState === 'complete') break;
    if (performance.now() - started > DEADLINE_MS) {
      throw new Error(`${url} did not finish verifying within ${DEADLINE_MS} ms: ${w && w.document.body ? w.document.body.innerText.slice(0, 300) : ''}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return { frame, win: frame.contentWindow, doc: frame.contentDocument, done: () => frame.remove() };
}

const compactUrl = (variant, at) => `${FIXTURE}/${variant}/compact.html?id=worcestershire-2006${at ? `&at=${at}` : ''}`;

// A report without what the published intervals leave out: the events
// (shown once per fact) and the query day in the effect wording ("on this
// day", ledger/site/state_intervals.h WithoutQueryDay).
function stripEvents(v, day) {
  if (Array.isArray(v)) return v.map((x) => stripEvents(x, day));
  if (v && typeof v === 'object') {
    const out = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === 'event' && 'certainty' in v) continue;
      out[k] = k === 'because' && x.endsWith(` on ${day}`) ? `${x.slice(0, -day.length)}this day` : stripEvents(x, day);
    }
    return out;
  }
  return v;
}

export async function run(suite) {
  const fixture = await fetchJson(`${FIXTURE}/fixture.json`);
  const data = await fetchJson(`${FIXTURE}/good/data/compact/worcestershire-2006.json`);
  const byRef = (ref) => data.facts.find((f) => f.event.ref === ref);
  const adoption = byRef('council-adoption');
  const supersession = byRef('council-supersession');
  const cabinet = byRef('cabinet-2006-06-29-adopt');
  const signature = data.facts.find((f) => ((f.event.decision || f.event.occurrence || {}).action || {}).kind === 'ACTION_KIND_SIGN_COMPACT');

  test("the published state on each date is the report `ledgerctl replay --at` prints", async () => {
    for (const at of fixture.dates) {
      const replay = await fetchJson(`${FIXTURE}/good/expected/replay-${at}.json`);
      const interval = intervalFor(data.intervals, parseQueryDate(at).day);
      assert(interval, `no interval for ${at}`);
      const expected = (replay.compacts || [])[0] || null;
      assertEqual(JSON.stringify(canonical(interval.state)), JSON.stringify(canonical(stripEvents(expected, replay.at))), `on ${at}:`);
    }
  });

  test('on the Eastmere log a party that withdrew or ceased reads as a former party, as replay reports it, every fact verified', async () => {
    const seen = new Set();
    for (const { compact, dates } of fixture.eastmere) {
      const published = await fetchJson(`${FIXTURE}/eastmere/data/compact/${compact}.json`);
      for (const at of dates) {
        const replay = await fetchJson(`${FIXTURE}/eastmere/expected/replay-${compact}-${at}.json`);
        const expected = (replay.compacts || [])[0] || null;
        const interval = intervalFor(published.intervals, parseQueryDate(at).day);
        assert(interval, `no interval for ${compact} on ${at}`);
        assertEqual(JSON.stringify(canonical(interval.state)), JSON.stringify(canonical(stripEvents(expected, replay.at))), `${compact} on ${at}:`);
        const former = ((expected || {}).partyStatuses || []).filter((p) => p.standing && p.standing !== 'PARTY_STANDING_CURRENT');
        const page = await openPage(`${FIXTURE}/eastmere/compact.html?id=${compact}${at ? `&at=${at}` : ''}`);
        try {
          const items = [...page.doc.querySelectorAll('#state li')].map((li) => li.textContent);
          for (const p of former) {
            seen.add(p.standing);
            const name = p.bodyName || p.bodyId;
            const line = items.find((t) => t.startsWith(`${name}: was `));
            assert(line && /FORMER party/.test(line), `${compact} on ${at}: no former-party line for ${name}: ${items.join(' | ')}`);
            assert(line.includes(p.standing === 'PARTY_STANDING_CEASED' ? 'ceased (body dissolved)' : 'withdrew'), line);
          }
          if (!former.length) {
            assert(!items.some((t) => /FORMER party/.test(t)), `${compact} on ${at} shows a former party that replay does not`);
          }
          await page.win.pageVerification;
          assert(/All \d+ facts on this page verified/.test(page.doc.getElementById('tally').textContent), page.doc.getElementById('tally').textContent);
        } finally {
          page.done();
        }
      }
    }
    assert(seen.has('PARTY_STANDING_WITHDRAWN') && seen.has('PARTY_STANDING_CEASED'), `former standings shown: ${[...seen].join(', ')}`);
  });

  test('the compact page shows the status replay gives, and says which interval it shows', async () => {
    for (const at of fixture.dates) {
      const replay = await fetchJson(`${FIXTURE}/good/expected/replay-${at}.json`);
      const expected = (replay.compacts || [])[0];
      const page = await openPage(compactUrl('good', at));
      try {
        const status = page.doc.querySelector('#state .compact-status strong').textContent;
        const want = expected ? enumWords(expected.status, 'COMPACT_STATUS_') || 'no status of its own is known' : 'not in the record yet';
        assertEqual(status, want, `status on ${at}:`);
        const day = parseQueryDate(at).day;
        assertEqual(page.doc.getElementById('state-day').dataset.day, day, 'the day shown');
        const shown = page.doc.getElementById('state-interval');
        const { from, to } = shown.dataset;
        assert((from === '' || from <= day) && (to === '' || day <= to), `interval [${from}, ${to}] does not hold ${day}`);
        assert(/reports the same state/.test(shown.textContent), shown.textContent);
      } finally {
        page.done();
      }
    }
  });

  test("on 2006-07-01 Council's adoption and the supersession are uncertain with their range, the June 2006 signatures certain, the Cabinet item a proposal", async () => {
    const page = await openPage(compactUrl('good', '2006-07-01'));
    try {
      const state = page.doc.getElementById('state');
      const refs = [...state.querySelectorAll('.fact-ref')];
      const about = (n) => refs.filter((r) => r.querySelector('a').textContent === `#${n}`);
      for (const f of [adoption, supersession]) {
        const shown = about(f.sequence);
        assert(shown.length > 0, `fact #${f.sequence} is not in the state`);
        for (const r of shown) {
          assert(/\[uncertain: .*2006-06-29 \.\. 2011-09-30/.test(r.textContent), `#${f.sequence}: ${r.textContent}`);
        }
      }
      const signed = about(signature.sequence);
      assert(signed.length > 0 && signed.every((r) => /\[certain\]/.test(r.textContent)), signed.map((r) => r.textContent).join(' | '));
      const card = page.doc.getElementById(`fact-${cabinet.sequence}`);
      assert(/^Proposal \(asked for, not decided\)/.test(card.querySelector('.kind').textContent), card.querySelector('.kind').textContent);
      assert(!/^Decision/.test(card.querySelector('.kind').textContent), 'the Cabinet item is shown as a decision');
      const open = [...state.querySelectorAll('h3')].find((x) => /Open proposals/.test(x.textContent));
      assert(open && open.nextElementSibling.textContent.includes(`#${cabinet.sequence}`), 'the Cabinet item is not an open proposal');
      // The card of the adoption says the day is not in the sources.
      const dates = page.doc.getElementById(`fact-${adoption.sequence}`).querySelector('dd').textContent;
      assert(/some day in \[2006-06-29 \.\. 2011-09-30\]: the sources do not give the day/.test(dates), dates);
    } finally {
      page.done();
    }
  });

  test('every fact on the seed compact page is verified, and says so naming sequence, checkpoint and key', async () => {
    const page = await openPage(compactUrl('good', '2006-07-01'));
    try {
      assertEqual(page.win.pageVerification.failed, [], 'failed:');
      assertEqual(page.win.pageVerification.verified.length, data.facts.length, 'verified facts');
      for (const f of data.facts) {
        const text = page.doc.getElementById(`verify-${f.sequence}`).textContent;
        const want = `verified: in the log at sequence ${f.sequence}, checkpoint of size ${fixture.treeSize} signed by ${fixture.origin}+`;
        assert(text.startsWith(want), `fact #${f.sequence}: ${text}`);
      }
      assert(/All \d+ facts on this page verified/.test(page.doc.getElementById('tally').textContent), 'tally');
    } finally {
      page.done();
    }
  });

  test('an altered entry bundle shows that fact in red, naming it, and verifies the rest', async () => {
    const page = await openPage(compactUrl('bundle', '2006-07-01'));
    try {
      const n = fixture.tampered;
      assertEqual(page.win.pageVerification.failed.map((f) => [f.sequence, f.code]), [[n, 'entry-mismatch']], 'failed:');
      const card = page.doc.getElementById(`fact-${n}`);
      assert(card.classList.contains('tampered'), 'the card is not marked');
      const text = card.querySelector('.verify').textContent;
      assert(text.startsWith(`Fact #${n}: NOT verified: entry-mismatch: entry ${n} in ${fixture.bundlePath}`), text);
      assertEqual(page.win.getComputedStyle(card.querySelector('.verify')).color, 'rgb(212, 53, 28)', 'colour');
      assert(page.doc.getElementById('tally').textContent.includes(`fact #${n} (entry-mismatch)`), page.doc.getElementById('tally').textContent);
    } finally {
      page.done();
    }
  });

  test('facts recorded after the signed checkpoint read as not yet checked, never as verified or as tampered', async () => {
    const page = await openPage(compactUrl('grown', '2006-07-01'));
    try {
      const newer = fixture.uncheckedInGrown;
      const size = newer[0];
      const v = page.win.pageVerification;
      assertEqual(v.failed, [], 'failed:');
      assertEqual(v.unchecked, newer, 'unchecked:');
      assertEqual(v.verified.length, data.facts.length - newer.length, 'verified facts');
      assertEqual(v.checkpoint, size, 'checkpoint size');
      assert(!v.verified.some((n) => newer.includes(n)), 'a newer fact counted as verified');
      assertEqual(page.doc.body.dataset.verified, 'unchecked', 'data-verified');
      for (const n of newer) {
        const card = page.doc.getElementById(`fact-${n}`);
        assert(card.classList.contains('unchecked') && !card.classList.contains('tampered'), `fact #${n}: ${card.className}`);
        const text = card.querySelector('.verify').textContent;
        assert(text.startsWith(`Fact #${n}: not yet checked: recorded after the newest signed checkpoint (size ${size})`), text);
        assert(!/NOT verified|verified:/.test(text), text);
      }
      const tally = page.doc.getElementById('tally');
      assert(tally.classList.contains('unchecked'), tally.className);
      const words = tally.textContent;
      assert(words.startsWith(`${data.facts.length - newer.length} of ${data.facts.length} facts verified; none found wrong.`), words);
      assert(newer.every((n) => words.includes(`fact #${n}`)) && words.includes(`checkpoint of size ${size}`), words);
    } finally {
      page.done();
    }
  });

  test('an altered hash tile fails the checkpoint naming the tiles, and no fact is verified', async () => {
    const page = await openPage(compactUrl('tile'));
    try {
      const cp = page.doc.getElementById('checkpoint');
      assert(cp.classList.contains('failed') && /tile-mismatch/.test(cp.textContent) && /tile\/0\/000/.test(cp.textContent), cp.textContent);
      assertEqual(page.win.pageVerification.verified, [], 'verified:');
      assert(page.win.pageVerification.failed.every((f) => f.code === 'tile-mismatch'), 'codes');
    } finally {
      page.done();
    }
  });

  test('a checkpoint signed by an unknown key fails naming the key, and no fact is verified', async () => {
    const page = await openPage(compactUrl('impostor'));
    try {
      const cp = page.doc.getElementById('checkpoint').textContent;
      assert(/unknown-key/.test(cp) && cp.includes(fixture.impostorKey.split('+').slice(0, 2).join('+')), cp);
      assertEqual(page.win.pageVerification.verified, [], 'verified:');
      const text = page.doc.getElementById(`verify-${adoption.sequence}`).textContent;
      assert(/NOT verified: the checkpoint: unknown-key/.test(text), text);
    } finally {
      page.done();
    }
  });

  test("a fact the published JSON calls by another kind than its bytes hold is NOT verified, naming both", async () => {
    const page = await openPage(compactUrl('relabelled', '2006-07-01'));
    try {
      const n = fixture.tampered;
      assertEqual(page.win.pageVerification.failed.map((f) => [f.sequence, f.code]), [[n, 'fields-differ']], 'failed:');
      const text = page.doc.getElementById(`verify-${n}`).textContent;
      assert(text.includes(`calls fact #${n} a "proposal", the entry bytes hold a "decision"`), text);
      // The title is the registration fact's, never the published summary's.
      const registered = data.facts.find((f) => f.kind === 'compactRegistered').event.compactRegistered.title;
      assertEqual(page.doc.getElementById('title').textContent, registered, 'title');
      assert(!page.doc.body.textContent.includes('FORGED'), 'the forged title is shown');
    } finally {
      page.done();
    }
  });

  test('an index that names no origin fails the checkpoint, and the tally says nothing is verified', async () => {
    const page = await openPage(compactUrl('unpinned'));
    try {
      const cp = page.doc.getElementById('checkpoint').textContent;
      assert(/NOT verified: .*bad-data: the published index names no log origin/.test(cp), cp);
      assertEqual(page.win.pageVerification.verified, [], 'verified:');
      const tally = page.doc.getElementById('tally');
      assert(tally.classList.contains('failed') && /^NOT verified: none of the \d+ facts/.test(tally.textContent), tally.textContent);
      assertEqual(page.doc.body.dataset.verified, 'failed', 'data-verified');
    } finally {
      page.done();
    }
  });

  test('a page for an unknown compact says it cannot be shown and stops saying it is checking', async () => {
    const page = await openPage(`${FIXTURE}/good/compact.html?id=no-such-compact`);
    try {
      const cp = page.doc.getElementById('checkpoint');
      assert(cp.classList.contains('failed') && /Nothing was checked/.test(cp.textContent), cp.textContent);
      assert(/could not be shown/.test(page.doc.getElementById('content').textContent), page.doc.getElementById('content').textContent);
      assertEqual(page.doc.body.dataset.verified, 'failed', 'data-verified');
    } finally {
      page.done();
    }
  });

  test('the timeline draws an uncertain date as a range over its days, and a known day as a mark', async () => {
    const page = await openPage(compactUrl('good', '2006-07-01'));
    try {
      const svg = page.doc.querySelector('svg.timeline');
      const row = svg.querySelector(`a[data-sequence="${adoption.sequence}"]`);
      assertEqual([row.dataset.earliest, row.dataset.latest], ['2006-06-29', '2011-09-30'], 'adoption');
      const bar = row.querySelector('rect.range');
      assert(bar, 'no range bar');
      assert(bar.getBBox().width > 100, `the bar is ${bar.getBBox().width} wide`);
      assertEqual(row.querySelectorAll('.shape').length, 1, 'shapes (the legend one only)');
      assert(/some day in \[2006-06-29 \.\. 2011-09-30\]/.test(row.getAttribute('aria-label')), row.getAttribute('aria-label'));
      const day = [...svg.querySelectorAll('a.row')].find((a) => a.dataset.earliest === '2006-04-04');
      assert(day && !day.querySelector('rect.range') && day.querySelectorAll('.shape').length === 2, 'a day is a mark');
      // Rows are in date order.
      const starts = [...svg.querySelectorAll('a.row')].map((a) => a.dataset.earliest);
      assertEqual(starts, [...starts].sort(), 'order');
      const kinds = new Set([...svg.querySelectorAll('a.row .shape')].map((x) => x.tagName + x.classList[1]));
      assert(kinds.has('circledecision') && kinds.has('polygonproposal') && kinds.has('polygonplan') && kinds.has('rectoccurrence'), [...kinds].join());
    } finally {
      page.done();
    }
  });

  test('every fact and every timeline row can be reached with the keyboard', async () => {
    const page = await openPage(compactUrl('good', '2006-07-01'));
    try {
      const focusable = (el) => {
        el.focus();
        return page.doc.activeElement === el && el.tabIndex >= 0 && el.getClientRects().length > 0;
      };
      for (const card of page.doc.querySelectorAll('article.fact')) {
        const link = card.querySelector('h3 a[href]');
        assert(link && focusable(link), `${card.id} has no link in the tab order`);
        assert(card.getAttribute('aria-labelledby') && page.doc.getElementById(card.getAttribute('aria-labelledby')), `${card.id} has no accessible name`);
      }
      for (const row of page.doc.querySelectorAll('svg.timeline a.row')) {
        assert(focusable(row), `timeline row ${row.dataset.sequence} is not focusable`);
        assert(row.getAttribute('aria-label').startsWith(`Fact #${row.dataset.sequence}, `), 'row text');
      }
      const input = page.doc.getElementById('at');
      assert(page.doc.querySelector('label[for="at"]') && focusable(input), 'the date field has no label');
      assertEqual(page.doc.querySelectorAll('article.fact').length, data.facts.length, 'cards');
    } finally {
      page.done();
    }
  });

  test('a permalink opens its fact, focused, on a static host', async () => {
    const page = await openPage(`${FIXTURE}/good/fact.html#${adoption.sequence}`);
    try {
      assert(page.win.location.pathname.endsWith('/compact.html'), page.win.location.href);
      assertEqual(page.win.location.hash, `#fact-${adoption.sequence}`, 'hash');
      assertEqual(page.doc.activeElement.id, `fact-${adoption.sequence}`, 'focus');
    } finally {
      page.done();
    }
  });

  test('the date field takes the forms of replay --at and refuses others, saying why', async () => {
    const page = await openPage(compactUrl('good', '2006'));
    try {
      assertEqual(page.doc.getElementById('state-day').dataset.day, '2006-12-31', 'a year means its last day');
      const input = page.doc.getElementById('at');
      input.value = '2006-13';
      page.doc.getElementById('date-form').requestSubmit();
      const error = page.doc.getElementById('state-error');
      assert(error && /no month 13/.test(error.textContent), error ? error.textContent : 'no error');
      assertEqual(input.getAttribute('aria-invalid'), 'true', 'aria-invalid');
      input.value = '2011-10';
      page.doc.getElementById('date-form').requestSubmit();
      assertEqual(page.doc.getElementById('state-day').dataset.day, '2011-10-31', 'a month means its last day');
    } finally {
      page.done();
    }
  });

  test('a body page shows what the body decided, every fact verified', async () => {
    const page = await openPage(`${FIXTURE}/good/body.html?id=worcestershire-partnership-board`);
    try {
      assertEqual(page.win.pageVerification.failed, [], 'failed:');
      assert(page.win.pageVerification.verified.length > 5, 'verified');
      const headings = [...page.doc.querySelectorAll('h2')].map((x) => x.textContent);
      assert(headings.includes('What it decided, proposed, planned or did'), headings.join(' | '));
      assert(page.doc.getElementById('content').textContent.startsWith('As registered in fact #'), 'registration line');
    } finally {
      page.done();
    }
  });

  test("a body page takes the body's name from its registration fact, never from the published summary", async () => {
    const page = await openPage(`${FIXTURE}/relabelled/body.html?id=worcestershire-partnership-board`);
    try {
      const body = await fetchJson(`${FIXTURE}/good/data/body/worcestershire-partnership-board.json`);
      const registered = body.facts.find((f) => f.kind === 'bodyRegistered').event.bodyRegistered.name;
      assertEqual(page.doc.getElementById('title').textContent, registered, 'title');
      assert(page.doc.title.startsWith(registered), page.doc.title);
      assert(!page.doc.body.textContent.includes('FORGED'), 'the forged name is shown');
    } finally {
      page.done();
    }
  });

  test("the auditor's page states the trusted key and the checkpoint it verified", async () => {
    const frame = document.createElement('iframe');
    document.body.append(frame);
    frame.src = `${FIXTURE}/good/auditor.html`;
    const started = performance.now();
    let cp = null;
    while (!(cp = frame.contentDocument && frame.contentDocument.getElementById('checkpoint'))) {
      if (performance.now() - started > DEADLINE_MS) throw new Error('the auditor page did not finish');
      await new Promise((r) => setTimeout(r, 20));
    }
    const text = frame.contentDocument.getElementById('content').textContent;
    assert(text.includes(fixture.logKey), 'the key is not stated');
    assert(/^Verified: size \d+/.test(cp.textContent), cp.textContent);
    frame.remove();
  });

  await runAll(suite);
}
