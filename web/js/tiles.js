// Reading a C2SP tlog-tiles log (tlog-tiles v0.1.0; the current text only
// adds pruning, which a reader of an unpruned log does not meet): tile
// paths, hash tiles, entry bundles, and the tree's root, inclusion and
// consistency proofs computed from tiles fetched under a base URL.
//
// Tree sizes and indexes here are JavaScript numbers, checked to be safe
// integers (2^53 entries is far beyond any log this page will read).
//
// Failures throw a VerifyError (errors.js) with code:
//   bad-size          an index, width or size is out of range
//   fetch-failed      a file could not be fetched (names the URL and status)
//   malformed-tile    a hash tile is not width x 32 bytes
//   malformed-bundle  an entry bundle does not hold exactly its entries
//   tile-mismatch     the tiles do not hash to the checkpoint's root
//                     (names the tiles read)
//   entry-mismatch    an entry's bytes do not hash to the leaf the tree
//                     holds (names the entry, its bundle and its tile)
//   consistency-failed / inclusion-failed  (merkle.js)

import { VerifyError, wrapErrors } from './errors.js';
import { equalBytes, toBase64 } from './bytes.js';
import {
  leafHash, nodeHash, emptyRoot, splitPoint,
  verifyInclusion, verifyConsistency,
} from './merkle.js';

export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;

function checkIndex(n, what) {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new VerifyError('bad-size', `${what} ${String(n)} is not a whole number in range`);
  }
}

// Converts a BigInt or number to a safe number.
export function toNumber(v, what) {
  const n = typeof v === 'bigint' ? (v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : -1) : v;
  checkIndex(n, what);
  return n;
}

// "x001/x234/067" for 1234067: zero-padded groups of three digits, all but
// the last prefixed with "x".
export function formatTileIndex(n) {
  checkIndex(n, 'tile index');
  const groups = [];
  do {
    groups.unshift(String(n % 1000).padStart(3, '0'));
    n = Math.floor(n / 1000);
  } while (n > 0);
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
}

function widthSuffix(width) {
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) {
    throw new VerifyError('bad-size', `tile width ${String(width)} is not between 1 and 256`);
  }
  return width === TILE_WIDTH ? '' : `.p/${width}`;
}

// tile/<L>/<N>[.p/<W>]
export function tilePath(level, index, width = TILE_WIDTH) {
  if (!Number.isInteger(level) || level < 0 || level > 63) {
    throw new VerifyError('bad-size', `tile level ${String(level)} is not between 0 and 63`);
  }
  return `tile/${level}/${formatTileIndex(index)}${widthSuffix(width)}`;
}

// tile/entries/<N>[.p/<W>]
export function entriesPath(index, width = TILE_WIDTH) {
  return `tile/entries/${formatTileIndex(index)}${widthSuffix(width)}`;
}

// The number of hashes in tile `index` at `level` for a tree of `size`:
// 256 for a full tile, 1..255 for the rightmost partial tile, 0 when the
// tree has no such tile.
export function tileWidth(level, index, size) {
  const hashesAtLevel = Math.floor(size / TILE_WIDTH ** level);
  if ((index + 1) * TILE_WIDTH <= hashesAtLevel) return TILE_WIDTH;
  if (index === Math.floor(hashesAtLevel / TILE_WIDTH)) return hashesAtLevel % TILE_WIDTH;
  return 0;
}

// Splits a hash tile into its `width` 32-byte hashes.
export function parseHashTile(bytes, width, where) {
  if (bytes.length !== width * 32) {
    throw new VerifyError('malformed-tile',
      `the hash tile has ${bytes.length} bytes; a tile of width ${width} has ${width * 32}`, where);
  }
  const hashes = [];
  for (let i = 0; i < width; i++) hashes.push(bytes.subarray(32 * i, 32 * i + 32));
  return hashes;
}

// Splits an entry bundle into exactly `count` entries, each a big-endian
// uint16 length followed by that many bytes.
export function parseEntryBundle(bytes, count, where) {
  const entries = [];
  let o = 0;
  while (o < bytes.length) {
    if (o + 2 > bytes.length) {
      throw new VerifyError('malformed-bundle', `entry ${entries.length} has a truncated length at byte ${o}`, where);
    }
    const n = (bytes[o] << 8) | bytes[o + 1];
    if (o + 2 + n > bytes.length) {
      throw new VerifyError('malformed-bundle',
        `entry ${entries.length} claims ${n} bytes but only ${bytes.length - o - 2} remain`, where);
    }
    entries.push(bytes.subarray(o + 2, o + 2 + n));
    o += 2 + n;
  }
  if (entries.length !== count) {
    throw new VerifyError('malformed-bundle', `the bundle holds ${entries.length} entries, not ${count}`, where);
  }
  return entries;
}

// Fetches a log's files under a base URL, once each. `fetch` may be
// replaced (tests serve altered bytes through it).
export class TileFetcher {
  constructor(baseUrl, { fetch: fetchFn = globalThis.fetch.bind(globalThis) } = {}) {
    const base = String(baseUrl);
    this.base = new URL(base.endsWith('/') ? base : `${base}/`, globalThis.location ? globalThis.location.href : undefined);
    this.fetchFn = fetchFn;
    this.cache = new Map();
    this.parsed = new Map();
    this.bytesFetched = 0;
    this.requests = 0;
  }

  url(path) {
    return new URL(path, this.base).href;
  }

  // The bytes at `path`; immutable files are cached for the fetcher's life.
  get(path, { fresh = false } = {}) {
    if (!fresh && this.cache.has(path)) return this.cache.get(path);
    const url = this.url(path);
    const p = (async () => {
      let response;
      try {
        this.requests++;
        response = await this.fetchFn(url, fresh ? { cache: 'no-cache' } : {});
      } catch (e) {
        throw new VerifyError('fetch-failed', `could not fetch ${url}: ${e.message}`, path);
      }
      if (!response.ok) {
        const error = new VerifyError('fetch-failed', `fetching ${url} answered HTTP ${response.status}`, path);
        error.status = response.status;
        throw error;
      }
      const bytes = new Uint8Array(await wrapErrors('fetch-failed', path, () => response.arrayBuffer()));
      this.bytesFetched += bytes.length;
      return bytes;
    })();
    if (!fresh) this.cache.set(path, p);
    p.catch(() => this.cache.delete(path));
    return p;
  }

  checkpoint() {
    return this.get('checkpoint', { fresh: true });
  }

  // A file parsed once, however many facts read it.
  parseOnce(path, parse) {
    if (!this.parsed.has(path)) {
      const p = this.get(path).then((bytes) => ({ path, ...parse(bytes) }));
      this.parsed.set(path, p);
      p.catch(() => this.parsed.delete(path));
    }
    return this.parsed.get(path);
  }

  hashTile(level, index, width) {
    const path = tilePath(level, index, width);
    return this.orFullTile(this.parseOnce(path, (bytes) => ({ hashes: parseHashTile(bytes, width, path) })), width,
      () => this.hashTile(level, index, TILE_WIDTH).then((full) => ({ path: full.path, hashes: full.hashes.slice(0, width) })));
  }

  entryBundle(index, width) {
    const path = entriesPath(index, width);
    return this.orFullTile(this.parseOnce(path, (bytes) => ({ entries: parseEntryBundle(bytes, width, path) })), width,
      () => this.entryBundle(index, TILE_WIDTH).then((full) => ({ path: full.path, entries: full.entries.slice(0, width) })));
  }

  // tlog-tiles: a log "MAY delete any partial tile once the corresponding
  // full tile is ... available", and a client MAY fetch the full tile
  // instead. A partial tile that is gone (HTTP 404: the log grew and was
  // republished while this page was open) is read as the full tile's first
  // `width` hashes or entries, which the same proofs then check.
  orFullTile(partial, width, full) {
    if (width === TILE_WIDTH) return partial;
    return partial.catch((e) => {
      // With no full tile either, the partial tile is what is missing.
      if (e && e.code === 'fetch-failed' && e.status === 404) return full().catch(() => { throw e; });
      throw e;
    });
  }
}

// The Merkle tree of one size, read from its tiles. Every hash it returns
// comes from the tiles, so it proves nothing until checked against a
// signed checkpoint's root (see verifyTreeRoot).
export class TiledTree {
  constructor(fetcher, size) {
    this.fetcher = fetcher;
    this.size = toNumber(size, 'tree size');
    this.nodes = new Map();
    this.tilesRead = new Set();
    // Tile hashes ("height/index") read so far, and those the root was
    // computed from (set by verifyTreeRoot once the root matched).
    this.tileHashesRead = new Set();
    this.anchored = new Set();
    this.provenTiles = new Map();
  }

  // The hash of the complete subtree of 2^height leaves starting at leaf
  // index * 2^height: read from the tile at level height / 8 when height is
  // a multiple of 8, else computed from its two children (each node once).
  hashAt(height, index) {
    const key = `${height}/${index}`;
    if (!this.nodes.has(key)) {
      const p = this.computeHashAt(height, index);
      this.nodes.set(key, p);
      p.catch(() => this.nodes.delete(key));
    }
    return this.nodes.get(key);
  }

  async computeHashAt(height, index) {
    const span = 2 ** height;
    if ((index + 1) * span > this.size) {
      throw new VerifyError('bad-size', `node ${index} at height ${height} is not complete in a tree of ${this.size}`);
    }
    if (height % TILE_HEIGHT !== 0) {
      const [left, right] = await Promise.all([this.hashAt(height - 1, 2 * index), this.hashAt(height - 1, 2 * index + 1)]);
      return nodeHash(left, right);
    }
    const level = height / TILE_HEIGHT;
    const tile = Math.floor(index / TILE_WIDTH);
    const width = tileWidth(level, tile, this.size);
    const { path, hashes } = await this.fetcher.hashTile(level, tile, width);
    this.tilesRead.add(path);
    this.tileHashesRead.add(`${height}/${index}`);
    return hashes[index % TILE_WIDTH];
  }

  // The hash tile of `height` (a multiple of 8) holding `index`, proven to
  // be in the tree whose root verifyTreeRoot checked: either the root was
  // computed from this hash, or the full tile holding it hashes to the hash
  // one tile level up, itself proven the same way. Resolves to the hash;
  // throws tile-mismatch naming both tiles when a tile does not hash to
  // the one above it. One check per tile, however many leaves ask.
  async provenTileHash(height, index) {
    if (height >= 64) throw new VerifyError('bad-size', `no tile of height ${height} holds a tree of ${this.size}`);
    if (!this.anchored.has(`${height}/${index}`)) {
      const level = height / TILE_HEIGHT;
      const tile = Math.floor(index / TILE_WIDTH);
      const key = `${level}/${tile}`;
      if (!this.provenTiles.has(key)) {
        this.provenTiles.set(key, this.proveFullTile(level, tile));
      }
      await this.provenTiles.get(key);
    }
    return this.hashAt(height, index);
  }

  // A hash that the root was not computed from lies in a full tile (a
  // partial tile's hashes all go into the root), whose hashes combine to
  // one hash of the tile above.
  async proveFullTile(level, tile) {
    const height = (level + 1) * TILE_HEIGHT;
    const [below, above] = await Promise.all([
      (async () => nodeHash(await this.hashAt(height - 1, 2 * tile), await this.hashAt(height - 1, 2 * tile + 1)))(),
      this.provenTileHash(height, tile),
    ]);
    if (!equalBytes(below, above)) {
      const upper = Math.floor(tile / TILE_WIDTH);
      const upperPath = tilePath(level + 1, upper, tileWidth(level + 1, upper, this.size));
      throw new VerifyError('tile-mismatch',
        `${tilePath(level, tile)} hashes to ${toBase64(below)}, but ${upperPath} holds ${toBase64(above)} for it`,
        tilePath(level, tile));
    }
  }

  // MTH of leaves [start, end), from the complete subtrees that cover it.
  async rangeHash(start, end) {
    const n = end - start;
    if (n === 0) return emptyRoot();
    if ((n & (n - 1)) === 0 && n <= 2 ** 52 && start % n === 0) {
      return this.hashAt(Math.log2(n), start / n);
    }
    const k = Number(splitPoint(BigInt(n)));
    const [left, right] = await Promise.all([this.rangeHash(start, start + k), this.rangeHash(start + k, end)]);
    return nodeHash(left, right);
  }

  root() {
    return this.rangeHash(0, this.size);
  }

  // RFC 9162 section 2.1.3.1 PATH(index, D[size]).
  async inclusionProof(index) {
    checkIndex(index, 'leaf index');
    if (index >= this.size) {
      throw new VerifyError('bad-size', `leaf ${index} is not in a tree of ${this.size}`);
    }
    const proof = [];
    const walk = async (m, start, n) => {
      if (n === 1) return;
      const k = Number(splitPoint(BigInt(n)));
      if (m < k) {
        await walk(m, start, k);
        proof.push(await this.rangeHash(start + k, start + n));
      } else {
        await walk(m - k, start + k, n - k);
        proof.push(await this.rangeHash(start, start + k));
      }
    };
    await walk(index, 0, this.size);
    return proof;
  }

  // RFC 9162 section 2.1.4.1 PROOF(oldSize, D[size]).
  async consistencyProof(oldSize) {
    checkIndex(oldSize, 'old tree size');
    if (oldSize > this.size) {
      throw new VerifyError('bad-size', `old size ${oldSize} is above the tree's size ${this.size}`);
    }
    const proof = [];
    if (oldSize === 0 || oldSize === this.size) return proof;
    const sub = async (m, start, n, whole) => {
      if (m === n) {
        if (!whole) proof.push(await this.rangeHash(start, start + n));
        return;
      }
      const k = Number(splitPoint(BigInt(n)));
      if (m <= k) {
        await sub(m, start, k, whole);
        proof.push(await this.rangeHash(start + k, start + n));
      } else {
        await sub(m - k, start + k, n - k, false);
        proof.push(await this.rangeHash(start, start + k));
      }
    };
    await sub(oldSize, 0, this.size, true);
    return proof;
  }
}

// Checks that the tiles of `checkpoint.size` hash to `checkpoint.rootHash`.
// Returns the TiledTree, now anchored to the signed root.
export async function verifyTreeRoot(fetcher, checkpoint) {
  const tree = new TiledTree(fetcher, checkpoint.size);
  const root = await tree.root();
  const read = new Set(tree.tileHashesRead);
  if (!equalBytes(root, checkpoint.rootHash)) {
    const tiles = [...tree.tilesRead].sort();
    throw new VerifyError('tile-mismatch',
      `the tiles [${tiles.join(', ')}] hash to root ${toBase64(root)}, but the checkpoint of size ${tree.size} says ${toBase64(checkpoint.rootHash)}`,
      tiles.join(', '));
  }
  tree.anchored = read;
  tree.rootHash = checkpoint.rootHash;
  return tree;
}

// Checks that entry `index`'s bytes are in the tree verifyTreeRoot
// anchored: they hash to the leaf its level-0 tile holds, and that tile is
// proven up to the root (TiledTree.provenTileHash). As strong as an
// inclusion proof, and for many entries much cheaper: each tile is hashed
// once, not once per entry. Names the entry, its bundle and its tile when
// they disagree.
export async function verifyEntryInTiles(tree, index, entryBytes, bundlePath) {
  checkIndex(index, 'leaf index');
  if (index >= tree.size) throw new VerifyError('bad-size', `leaf ${index} is not in a tree of ${tree.size}`);
  const [leaf, stored] = await Promise.all([leafHash(entryBytes), tree.provenTileHash(0, index)]);
  if (!equalBytes(stored, leaf)) {
    const tile = Math.floor(index / TILE_WIDTH);
    throw new VerifyError('entry-mismatch',
      `entry ${index} in ${bundlePath} hashes to leaf ${toBase64(leaf)}, but ${tilePath(0, tile, tileWidth(0, tile, tree.size))} holds ${toBase64(stored)}`,
      `entry ${index}, ${bundlePath}`);
  }
  return leaf;
}

// Checks that entry `index`'s bytes are in the tree with `rootHash`,
// using the tree's own tiles for the proof. Names the entry, its bundle
// and its tile when they disagree.
export async function verifyEntry(tree, rootHash, index, entryBytes, bundlePath) {
  const leaf = await leafHash(entryBytes);
  const proof = await tree.inclusionProof(index);
  const tile = Math.floor(index / TILE_WIDTH);
  const tilePathName = tilePath(0, tile, tileWidth(0, tile, tree.size));
  const stored = await tree.hashAt(0, index);
  try {
    await verifyInclusion(index, tree.size, leaf, proof, rootHash);
  } catch (e) {
    if (e.code !== 'inclusion-failed') throw e;
    if (!equalBytes(stored, leaf)) {
      throw new VerifyError('entry-mismatch',
        `entry ${index} in ${bundlePath} hashes to leaf ${toBase64(leaf)}, but ${tilePathName} holds ${toBase64(stored)}`,
        `entry ${index}, ${bundlePath}`);
    }
    throw new VerifyError('tile-mismatch',
      `entry ${index} is not included in the checkpoint's tree: the proof read from the tiles [${[...tree.tilesRead].sort().join(', ')}] does not lead to its root`,
      `entry ${index}`);
  }
  if (!equalBytes(stored, leaf)) {
    throw new VerifyError('tile-mismatch',
      `${tilePathName} holds ${toBase64(stored)} for entry ${index}, but the entry is proven to hash to ${toBase64(leaf)}`,
      tilePathName);
  }
  return leaf;
}

// Reads every entry of the tree from its bundles and checks each one's
// inclusion in `tree`, which verifyTreeRoot anchored to `rootHash`.
// Returns the entries' bytes in order.
export async function verifyAllEntries(tree, rootHash) {
  if (!tree.rootHash || !equalBytes(tree.rootHash, rootHash)) {
    throw new VerifyError('tile-mismatch', `the tree was not checked against root ${toBase64(rootHash)}; call verifyTreeRoot first`);
  }
  const entries = [];
  for (let tile = 0; tile * TILE_WIDTH < tree.size; tile++) {
    const width = tileWidth(0, tile, tree.size);
    const bundle = await tree.fetcher.entryBundle(tile, width);
    const checks = bundle.entries.map((bytes, i) =>
      verifyEntryInTiles(tree, tile * TILE_WIDTH + i, bytes, bundle.path));
    await Promise.all(checks);
    entries.push(...bundle.entries);
  }
  return entries;
}

// Checks that the tree of `older` (a parsed checkpoint) is a prefix of
// the tree of `newer`, with a proof computed from the newer tree's tiles.
export async function verifyCheckpointConsistency(newerTree, older, newer) {
  if (older.size === 0n || older.size === 0) return true;
  const proof = await newerTree.consistencyProof(toNumber(older.size, 'old size'));
  return verifyConsistency(older.size, newer.size, proof, older.rootHash, newer.rootHash);
}
