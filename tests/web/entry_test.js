// Ledger entries decoded in the browser from the exact bytes the C++
// ledger stored for `ledgerctl demo` (tests/web/vectors/demo-entries.json,
// made by make_entry_vectors.py), compared field by field with the proto
// JSON mapping the C++ printed for the same entries.

import { test, assert, assertEqual, assertFails, fetchJson, runAll } from './harness.js';
import { fromBase64, toHex } from '../../web/js/bytes.js';
import { leafHash } from '../../web/js/merkle.js';
import { decodeEntry, factKind } from '../../web/js/entry.js';

function canonical(v) {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical(v[k])]));
  }
  return v;
}

export async function run(suite) {
  const vectors = await fetchJson('vectors/demo-entries.json');

  test("the demo's entries hash to the leaf hashes the ledger printed", async () => {
    assert(vectors.length > 60, `${vectors.length} entries`);
    for (const v of vectors) assertEqual(toHex(await leafHash(fromBase64(v.bytes))), v.leafHash, `entry ${v.sequence}`);
  });

  test("every demo entry decodes to what the C++ printed in the proto JSON mapping", async () => {
    const wrong = [];
    for (const v of vectors) {
      const got = JSON.stringify(canonical(decodeEntry(fromBase64(v.bytes), `entry ${v.sequence}`)));
      const want = JSON.stringify(canonical(v.json));
      if (got !== want) wrong.push(`entry ${v.sequence}:\n got ${got}\nwant ${want}`);
    }
    assert(wrong.length === 0, wrong.slice(0, 3).join('\n'));
  });

  test("the demo's facts are told apart: proposals, decisions, plans, occurrences", async () => {
    const kinds = new Set(vectors.map((v) => factKind(decodeEntry(fromBase64(v.bytes)).payload)));
    for (const k of ['proposal', 'decision', 'plan', 'occurrence', 'sourceRegistered', 'bodyRegistered']) {
      assert(kinds.has(k), `no ${k} among ${[...kinds]}`);
    }
  });

  test('unknown fields are skipped, at the entry and inside the event', async () => {
    const bytes = fromBase64(vectors[0].bytes);
    // Field 15 (varint 1) and field 16 (length-delimited "xy") appended.
    const extra = Uint8Array.of(...bytes, 0x78, 0x01, 0x82, 0x01, 0x02, 0x78, 0x79);
    assertEqual(JSON.stringify(canonical(decodeEntry(extra))), JSON.stringify(canonical(vectors[0].json)));
  });

  test('truncated and malformed entries fail naming the entry and the byte', async () => {
    const bytes = fromBase64(vectors[5].bytes);
    for (const cut of [1, 10, bytes.length - 1]) {
      await assertFails(Promise.resolve().then(() => decodeEntry(bytes.slice(0, cut), 'entry 5')), 'malformed-entry', ['entry 5', 'at byte']);
    }
    const cases = [[[0x08], 'varint runs past'], [[0x0b], 'wire type 3'], [[0x00], 'field number 0'],
      [[0x22, 0x02, 0xff, 0xfe], 'UTF-8'], [[0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], 'varint'],
      [[0x12, 0x05, 0x00], 'more than remain']];
    for (const [b, why] of cases) {
      let e = null;
      try { decodeEntry(Uint8Array.from(b), 'entry 9'); } catch (x) { e = x; }
      assert(e && e.name === 'VerifyError' && e.message.includes(why), `${b}: ${e && e.message}`);
    }
  });

  await runAll(suite);
}
