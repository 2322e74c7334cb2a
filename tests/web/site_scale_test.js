// Measures (not a pass/fail threshold): the time to a fully verified
// compact page with many facts (run_browser_tests.py --suite site_scale
// --facts N), cold and warm, against the same run's baseline: WebCrypto
// SHA-256 of the same entry bytes, one digest per entry. Reported as
// ratios, with the bytes the page transferred.

import { test, assert, runAll, fetchBytes } from './harness.js';
import { parseEntryBundle, entriesPath, tileWidth, TILE_WIDTH } from '../../web/js/tiles.js';

const BASE = '/fixture/scale';
const measures = {};

async function timePage() {
  const frame = document.createElement('iframe');
  frame.style.width = '1000px';
  frame.style.height = '800px';
  const started = performance.now();
  document.body.append(frame);
  frame.src = `${BASE}/compact.html?id=scale-compact&at=2011`;
  for (;;) {
    const w = frame.contentWindow;
    if (w && w.pageVerification) break;
    if (performance.now() - started > 240000) throw new Error('the page did not finish within 240 s');
    await new Promise((r) => setTimeout(r, 20));
  }
  const ms = performance.now() - started;
  const v = frame.contentWindow.pageVerification;
  const perf = frame.contentWindow.performance;
  const bytes = perf.getEntriesByType('resource').reduce((n, e) => n + e.transferSize, 0);
  // Where the time went, from the page's own marks (web/js/compact_page.js,
  // page.js), each phase from the end of the one before.
  const phases = {};
  let last = 0;
  for (const m of perf.getEntriesByType('mark').filter((e) => e.name.startsWith('page:'))) {
    phases[m.name.slice(5)] = Math.round(m.startTime - last);
    last = m.startTime;
  }
  frame.remove();
  return { ms, verified: v.verified.length, failed: v.failed.length, bytes, phases };
}

export async function run(suite) {
  test('a compact page with many facts is verified fact by fact; timed cold and warm against raw SHA-256', async () => {
    const cold = await timePage();
    const warm = await timePage();
    assert(cold.failed === 0 && warm.failed === 0, `failed: ${cold.failed}, ${warm.failed}`);
    const size = Number((await (await fetch(`${BASE}/data/index.json`)).json()).treeSize);
    const entries = [];
    for (let t = 0; t * TILE_WIDTH < size; t++) {
      const w = tileWidth(0, t, size);
      entries.push(...parseEntryBundle(await fetchBytes(`${BASE}/${entriesPath(t, w)}`), w, 'bundle'));
    }
    const t0 = performance.now();
    for (const e of entries) await crypto.subtle.digest('SHA-256', e);
    const sha = performance.now() - t0;
    Object.assign(measures, {
      facts_verified: cold.verified,
      cold_page_ms: Math.round(cold.ms),
      warm_page_ms: Math.round(warm.ms),
      raw_sha256_of_entries_ms: Math.round(sha * 10) / 10,
      cold_over_raw_sha256: Math.round((cold.ms / sha) * 10) / 10,
      warm_over_raw_sha256: Math.round((warm.ms / sha) * 10) / 10,
      cold_bytes_transferred: cold.bytes,
      warm_bytes_transferred: warm.bytes,
    });
    for (const [phase, ms] of Object.entries(cold.phases)) measures[`cold_ms_to_${phase}`] = ms;
    for (const [phase, ms] of Object.entries(warm.phases)) measures[`warm_ms_to_${phase}`] = ms;
  });
  await runAll(suite, measures);
}
