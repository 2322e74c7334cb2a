// Reading a real tlog-tiles log written by another implementation
// (Tessera's testdata/log, tests/testdata/tessera-log): every checkpoint's
// signature, every entry's inclusion from its tiles, consistency between
// every pair of checkpoints; then the same log served with one altered
// byte in an entry bundle, one altered hash, or re-signed by another key.

import { test, assert, assertEqual, assertFails, fetchText, fetchJson, runAll } from './harness.js';
import { parseVerifierKey, verifyCheckpoint } from '../../web/js/note.js';
import { toBase64, fromUtf8 } from '../../web/js/bytes.js';
import { rootFromLeafHashes, leafHash } from '../../web/js/merkle.js';
import {
  formatTileIndex, tilePath, entriesPath, tileWidth, parseHashTile, parseEntryBundle,
  TileFetcher, TiledTree, verifyTreeRoot, verifyAllEntries, verifyCheckpointConsistency,
} from '../../web/js/tiles.js';
import { checkPublishedLog } from '../../web/js/check_log.js';

const TESSERA_VKEY = 'example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx';
const ORIGIN = 'example.com/log/testdata';
const WORDS = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eit', 'nain', 'ten',
  'ileven', 'twelf', 'threeten', 'fourten', 'fivten'];

// Everything a reader does with a published log: checkpoint signature,
// root from tiles, every entry's inclusion, consistency with every
// earlier checkpoint. Returns what it verified.
export async function verifyTesseraLog(base, logKeys, fetcher = new TileFetcher(base)) {
  const latest = await verifyCheckpoint(await fetcher.checkpoint(), { logKeys, origin: ORIGIN });
  const tree = await verifyTreeRoot(fetcher, latest.checkpoint);
  const entries = await verifyAllEntries(tree, latest.checkpoint.rootHash);
  const older = [];
  for (let size = 0; size < Number(latest.checkpoint.size); size++) {
    const old = await verifyCheckpoint(await fetcher.get(`checkpoint.${size}`), { logKeys, origin: ORIGIN });
    await verifyTreeRoot(fetcher, old.checkpoint);
    await verifyCheckpointConsistency(tree, old.checkpoint, latest.checkpoint);
    older.push(old.checkpoint);
  }
  return { latest, entries, older, fetcher };
}

export async function run(suite) {
  const logKeys = [await parseVerifierKey(TESSERA_VKEY)];

  // First, so that its first pass meets an empty HTTP cache.
  test('time to verify the whole Tessera log: first in a fresh profile, again through the HTTP cache, again from memory', async () => {
    const times = {};
    const t0 = performance.now();
    const cold = await verifyTesseraLog('/testdata/tessera-log/', logKeys);
    times.cold_ms = performance.now() - t0;
    const t1 = performance.now();
    const warm = await verifyTesseraLog('/testdata/tessera-log/', logKeys);
    times.warm_http_cache_ms = performance.now() - t1;
    const t2 = performance.now();
    await verifyTesseraLog('/testdata/tessera-log/', logKeys, warm.fetcher);
    times.in_memory_ms = performance.now() - t2;
    assertEqual(cold.entries.length, 15);
    const line = `cold ${times.cold_ms.toFixed(1)} ms (${cold.fetcher.requests} requests, ${cold.fetcher.bytesFetched} bytes); ` +
      `warm HTTP cache ${times.warm_http_cache_ms.toFixed(1)} ms; fetched files in memory ${times.in_memory_ms.toFixed(1)} ms`;
    document.getElementById('summary').dataset.timing = line;
    currentMeasures.tessera = line;
  });

  test('tile paths follow tlog-tiles: three-digit groups, x prefixes, .p/W for partial tiles', async () => {
    assertEqual(formatTileIndex(0), '000');
    assertEqual(formatTileIndex(1234067), 'x001/x234/067');
    assertEqual(formatTileIndex(1000), 'x001/000');
    assertEqual(tilePath(0, 0, 15), 'tile/0/000.p/15');
    assertEqual(tilePath(2, 1234067), 'tile/2/x001/x234/067');
    assertEqual(entriesPath(5, 256), 'tile/entries/005');
    assertEqual(entriesPath(5, 1), 'tile/entries/005.p/1');
    for (const bad of [() => tilePath(0, 0, 0), () => tilePath(0, 0, 257), () => tilePath(0, -1), () => tilePath(64, 0)]) {
      let code = null;
      try { bad(); } catch (e) { code = e.code; }
      assertEqual(code, 'bad-size');
    }
  });

  test("tile widths match the spec's example tree of 70,000 entries", async () => {
    assertEqual(tileWidth(0, 272, 70000), 256);
    assertEqual(tileWidth(0, 273, 70000), 112);
    assertEqual(tileWidth(0, 274, 70000), 0);
    assertEqual(tileWidth(1, 0, 70000), 256);
    assertEqual(tileWidth(1, 1, 70000), 17);
    assertEqual(tileWidth(2, 0, 70000), 1);
    assertEqual(tileWidth(1, 0, 256), 1);
  });

  test('hash tiles and entry bundles of the wrong length are refused naming the file', async () => {
    const path = 'tile/0/000.p/2';
    let e = null;
    try { parseHashTile(new Uint8Array(63), 2, path); } catch (x) { e = x; }
    assert(e && e.code === 'malformed-tile' && e.message.includes(path), e && e.message);
    const cases = [[[0, 3, 97, 98], 1, 'claims 3 bytes'], [[0, 1, 97, 0], 2, 'truncated length'],
      [[0, 1, 97], 2, 'holds 1 entries, not 2'], [[0, 1, 97, 0, 0], 1, 'holds 2 entries, not 1']];
    for (const [bytes, count, why] of cases) {
      e = null;
      try { parseEntryBundle(Uint8Array.from(bytes), count, 'tile/entries/000.p/1'); } catch (x) { e = x; }
      assert(e && e.code === 'malformed-bundle' && e.message.includes(why) && e.message.includes('tile/entries/000.p/1'),
        `${bytes}: ${e && e.message}`);
    }
    assertEqual(parseEntryBundle(Uint8Array.from([0, 0, 0, 1, 7]), 2, 'x').map((x) => [...x]), [[], [7]]);
  });

  test("Tessera's log verifies: 16 checkpoints, 15 entries included, every checkpoint consistent with the latest", async () => {
    const r = await verifyTesseraLog('/testdata/tessera-log/', logKeys);
    assertEqual(r.latest.checkpoint.size, 15n);
    assertEqual(r.entries.map((e) => fromUtf8(e)), WORDS);
    assertEqual(r.older.length, 15);
  });

  test("each checkpoint's own partial tiles give its root, and consecutive checkpoints are consistent", async () => {
    const fetcher = new TileFetcher('/testdata/tessera-log');
    let previous = null;
    for (let size = 0; size <= 15; size++) {
      const v = await verifyCheckpoint(await fetcher.get(`checkpoint.${size}`), { logKeys, origin: ORIGIN });
      const tree = await verifyTreeRoot(fetcher, v.checkpoint);
      if (size > 0) {
        assert(tree.tilesRead.has(`tile/0/000.p/${size}`), [...tree.tilesRead].join());
        const entries = await verifyAllEntries(tree, v.checkpoint.rootHash);
        assertEqual(entries.length, size);
      }
      if (previous) await verifyCheckpointConsistency(tree, previous, v.checkpoint);
      previous = v.checkpoint;
    }
  });

  test('the root from the tiles equals the root of the entries hashed directly', async () => {
    const leaves = await Promise.all(WORDS.map((w) => leafHash(new TextEncoder().encode(w))));
    const fetcher = new TileFetcher('/testdata/tessera-log/');
    const tree = new TiledTree(fetcher, 15);
    assertEqual(toBase64(await tree.root()), toBase64(await rootFromLeafHashes(leaves)));
    assertEqual(toBase64(await tree.root()), 'rKbDipCvhuX1GZ7g5BBe8sA6BbJ7ja/1nk427v383cs=');
  });

  test('a proof between two checkpoints that are not consistent is refused', async () => {
    const fetcher = new TileFetcher('/testdata/tessera-log/');
    const tree = await verifyTreeRoot(fetcher, (await verifyCheckpoint(await fetcher.checkpoint(), { logKeys })).checkpoint);
    const seven = (await verifyCheckpoint(await fetcher.get('checkpoint.7'), { logKeys })).checkpoint;
    const latest = (await verifyCheckpoint(await fetcher.checkpoint(), { logKeys })).checkpoint;
    const forked = { ...seven, rootHash: (await verifyCheckpoint(await fetcher.get('checkpoint.6'), { logKeys })).checkpoint.rootHash };
    await assertFails(verifyCheckpointConsistency(tree, forked, latest), 'consistency-failed', ['sizes 7 and 15']);
  });

  test('an altered byte in an entry bundle is found and named: entry, bundle and tile', async () => {
    await assertFails(verifyTesseraLog('/testdata/tessera-altered-bundle/', logKeys), 'entry-mismatch',
      ['entry 4', 'tile/entries/000.p/15', 'tile/0/000.p/15']);
  });

  test('an altered hash in a hash tile is found and the tile named', async () => {
    await assertFails(verifyTesseraLog('/testdata/tessera-altered-tile/', logKeys), 'tile-mismatch',
      ['tile/0/000.p/15', 'checkpoint of size 15']);
  });

  test('a checkpoint signed by an unknown key is refused naming that key', async () => {
    const impostor = await fetchText('vectors/tessera-checkpoint.impostor');
    const fetcher = new TileFetcher('/testdata/tessera-log/', {
      fetch: (url, init) => (url.endsWith('/checkpoint') ? Promise.resolve(new Response(impostor)) : fetch(url, init)),
    });
    await assertFails(verifyTesseraLog('/testdata/tessera-log/', logKeys, fetcher), 'unknown-key',
      ['example.com/log/testdata+39f7909a', 'example.com/log/testdata+33d7b496']);
  });

  // A log of 600 entries: two full level-0 tiles whose hashes the root is
  // not computed from (it uses their two hashes in the level-1 tile), and a
  // partial one it is. Proving an entry of a full tile needs that tile to
  // hash to the level-1 tile.
  test('entries of full tiles are proven through the tile above; an altered full tile or entry is named', async () => {
    const log = await syntheticLog(600);
    const verify = async (files) => {
      const fetcher = syntheticFetcher(files);
      const tree = await verifyTreeRoot(fetcher, { size: 600, rootHash: log.root });
      return verifyAllEntries(tree, log.root);
    };
    const entries = await verify(log.files);
    assertEqual(entries.length, 600);
    assertEqual(toBase64(entries[300]), toBase64(log.entries[300]));

    const alteredTile = new Map(log.files);
    const tile0 = new Uint8Array(alteredTile.get('tile/0/000'));
    tile0[5 * 32] ^= 1;
    alteredTile.set('tile/0/000', tile0);
    await assertFails(verify(alteredTile), 'tile-mismatch', ['tile/0/000 hashes to', 'tile/1/000.p/2 holds']);

    const alteredEntry = new Map(log.files);
    const bundle1 = new Uint8Array(alteredEntry.get('tile/entries/001'));
    bundle1[bundle1.length - 1] ^= 1;
    alteredEntry.set('tile/entries/001', bundle1);
    await assertFails(verify(alteredEntry), 'entry-mismatch', ['entry 511', 'tile/entries/001', 'tile/0/001']);

    // Both tiles altered to agree with each other no longer give the root.
    const rewritten = new Map(alteredTile);
    const level1 = new Uint8Array(rewritten.get('tile/1/000.p/2'));
    level1.set(await rootFromLeafHashes(parseHashTile(tile0, 256, 'tile/0/000')), 0);
    rewritten.set('tile/1/000.p/2', level1);
    await assertFails(verify(rewritten), 'tile-mismatch', ['tile/1/000.p/2', 'checkpoint of size 600']);
  });

  // tlog-tiles lets a log delete a partial tile once its full tile exists;
  // a reader holding the older checkpoint then reads the full tile's prefix.
  test('a partial tile removed once its tile filled is read from the full tile, and still checked', async () => {
    const older = await syntheticLog(300);
    const newer = await syntheticLog(600);
    const files = new Map([...older.files, ...newer.files]);
    files.delete('tile/0/001.p/44');
    files.delete('tile/entries/001.p/44');
    const fetcher = syntheticFetcher(files);
    const tree = await verifyTreeRoot(fetcher, { size: 300, rootHash: older.root });
    const entries = await verifyAllEntries(tree, older.root);
    assertEqual(entries.length, 300);
    assertEqual(toBase64(entries[299]), toBase64(older.entries[299]));
    // The full tile's prefix is checked like the partial tile: altered, it fails.
    const altered = new Map(files);
    const full = new Uint8Array(altered.get('tile/0/001'));
    full[3 * 32] ^= 1;
    altered.set('tile/0/001', full);
    await assertFails(verifyTreeRoot(syntheticFetcher(altered), { size: 300, rootHash: older.root }), 'tile-mismatch', []);
  });

  test('a missing tile and a truncated bundle are named', async () => {
    await assertFails(new TileFetcher('/testdata/tessera-log/').hashTile(0, 1, 3), 'fetch-failed', ['tile/0/001.p/3', '404']);
    const fetcher = new TileFetcher('/testdata/tessera-log/', {
      fetch: async (url, init) => {
        const r = await fetch(url, init);
        if (!url.includes('/tile/entries/')) return r;
        const bytes = new Uint8Array(await r.arrayBuffer());
        return new Response(bytes.slice(0, bytes.length - 1));
      },
    });
    await assertFails(verifyTesseraLog('/testdata/tessera-log/', logKeys, fetcher), 'malformed-bundle', ['entry 14', 'tile/entries/000.p/15']);
  });

  test('the check page says Verified in words only for a log that verifies, and names what failed otherwise', async () => {
    const good = await checkPublishedLog('/testdata/tessera-log/', TESSERA_VKEY);
    assert(good.ok && good.words.startsWith('Verified: the log "example.com/log/testdata" has 15 entries'), good.words);
    const tile = await checkPublishedLog('/testdata/tessera-altered-tile/', TESSERA_VKEY);
    assert(!tile.ok && tile.words.startsWith('Not verified. tile-mismatch') && tile.words.includes('tile/0/000.p/15'), tile.words);
    const key = await checkPublishedLog('/testdata/tessera-log/', 'example.com/log/testdata+39f7909a+AWgKKfONK2kecxobO9wJseWoXLTjTgHhYdcckPKWCgcg');
    assert(!key.ok && key.words.includes('unknown-key') && key.words.includes('example.com/log/testdata+33d7b496'), key.words);
    const nothing = await checkPublishedLog('/testdata/no-such-log/', TESSERA_VKEY);
    assert(!nothing.ok && nothing.words.includes('fetch-failed') && nothing.words.includes('404'), nothing.words);
    const badKey = await checkPublishedLog('/testdata/tessera-log/', 'not a key');
    assert(!badKey.ok && badKey.words.includes('bad-key'), badKey.words);
  });

  await runAll(suite, currentMeasures);
}

const currentMeasures = {};

// The tiles, entry bundles and root of a log of `size` entries, as files.
async function syntheticLog(size) {
  const entries = [];
  for (let i = 0; i < size; i++) entries.push(new TextEncoder().encode(`entry ${i}`));
  const leaves = await Promise.all(entries.map((e) => leafHash(e)));
  const files = new Map();
  const level1 = [];
  for (let t = 0; t * 256 < size; t++) {
    const width = tileWidth(0, t, size);
    const hashes = leaves.slice(t * 256, t * 256 + width);
    const tile = new Uint8Array(32 * width);
    hashes.forEach((h, i) => tile.set(h, 32 * i));
    files.set(tilePath(0, t, width), tile);
    const parts = [];
    for (const e of entries.slice(t * 256, t * 256 + width)) parts.push(Uint8Array.of(e.length >> 8, e.length & 255), e);
    const bundle = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    parts.reduce((o, p) => { bundle.set(p, o); return o + p.length; }, 0);
    files.set(entriesPath(t, width), bundle);
    if (width === 256) level1.push(await rootFromLeafHashes(hashes));
  }
  if (level1.length) {
    const tile = new Uint8Array(32 * level1.length);
    level1.forEach((h, i) => tile.set(h, 32 * i));
    files.set(tilePath(1, 0, level1.length), tile);
  }
  return { entries, files, root: await rootFromLeafHashes(leaves) };
}

// A TileFetcher over files held in memory.
function syntheticFetcher(files) {
  return new TileFetcher('https://log.invalid/', {
    fetch: async (url) => {
      const path = new URL(url).pathname.slice(1);
      return files.has(path) ? new Response(files.get(path)) : new Response('not found', { status: 404 });
    },
  });
}
