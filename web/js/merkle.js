// RFC 9162 Merkle tree hashing and proof verification (section 2.1), with
// WebCrypto SHA-256. Indexes and sizes are BigInt internally, so the
// published vectors' 64-bit sizes are exact; callers may pass numbers.
//
// Failures throw a VerifyError (errors.js) with code:
//   bad-hash           a hash is not 32 bytes
//   bad-size           an index or size is negative, not an integer, or out of range
//   inclusion-failed   an inclusion proof does not lead to the root
//   consistency-failed a consistency proof does not lead to both roots

import { VerifyError } from './errors.js';
import { concat, equalBytes, toBase64 } from './bytes.js';

const LEAF_PREFIX = Uint8Array.of(0);
const NODE_PREFIX = Uint8Array.of(1);
const MAX_UINT64 = (1n << 64n) - 1n;

export async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
}

// SHA-256(0x00 || entry): the leaf hash of an entry's exact bytes.
export function leafHash(entry) {
  return sha256(concat(LEAF_PREFIX, entry));
}

// SHA-256(0x01 || left || right).
export function nodeHash(left, right) {
  return sha256(concat(NODE_PREFIX, left, right));
}

export function emptyRoot() {
  return sha256(new Uint8Array(0));
}

export function toBig(value, what) {
  let v;
  if (typeof value === 'bigint') v = value;
  else if (typeof value === 'number' && Number.isSafeInteger(value)) v = BigInt(value);
  else if (typeof value === 'string' && /^(0|[1-9][0-9]*)$/.test(value)) v = BigInt(value);
  else throw new VerifyError('bad-size', `${what} ${String(value)} is not a whole number`);
  if (v < 0n || v > MAX_UINT64) throw new VerifyError('bad-size', `${what} ${v} is outside 0..2^64-1`);
  return v;
}

function checkHash(h, what) {
  if (!(h instanceof Uint8Array) || h.length !== 32) {
    throw new VerifyError('bad-hash', `${what} is not a 32-byte hash`);
  }
}

function short(h) {
  return toBase64(h);
}

// The root that an inclusion proof leads to (RFC 9162 section 2.1.3.2,
// steps 1-5), or a VerifyError if the proof has the wrong shape.
export async function rootFromInclusionProof(index, size, leaf, proof) {
  const m = toBig(index, 'leaf index');
  const n = toBig(size, 'tree size');
  checkHash(leaf, 'the leaf hash');
  proof.forEach((p, i) => checkHash(p, `proof hash ${i}`));
  if (m >= n) {
    throw new VerifyError('inclusion-failed', `leaf index ${m} is not below tree size ${n}`, `leaf ${m}`);
  }
  let fn = m;
  let sn = n - 1n;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0n) {
      throw new VerifyError('inclusion-failed', `the proof for leaf ${m} in a tree of ${n} has ${proof.length} hashes, too many`, `leaf ${m}`);
    }
    if ((fn & 1n) === 1n || fn === sn) {
      r = await nodeHash(p, r);
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n) {
    throw new VerifyError('inclusion-failed', `the proof for leaf ${m} in a tree of ${n} has ${proof.length} hashes, too few`, `leaf ${m}`);
  }
  return r;
}

// Checks that `leaf` is at `index` in the tree of `size` with `root`.
// Returns true or throws inclusion-failed saying which leaf and both roots.
export async function verifyInclusion(index, size, leaf, proof, root) {
  checkHash(root, 'the root hash');
  const r = await rootFromInclusionProof(index, size, leaf, proof);
  if (!equalBytes(r, root)) {
    throw new VerifyError('inclusion-failed',
      `the proof for leaf ${toBig(index)} leads to root ${short(r)}, not the tree's root ${short(root)}`, `leaf ${toBig(index)}`);
  }
  return true;
}

// Checks that the tree of size1 with root1 is a prefix of the tree of
// size2 with root2 (RFC 9162 section 2.1.4.2). Returns true or throws
// consistency-failed.
export async function verifyConsistency(size1, size2, proof, root1, root2) {
  const m = toBig(size1, 'first tree size');
  const n = toBig(size2, 'second tree size');
  const where = `sizes ${m} and ${n}`;
  const fail = (why) => new VerifyError('consistency-failed', why, where);
  if (m > n) throw fail(`the first tree (${m}) is larger than the second (${n})`);
  // Every tree extends the empty one: a proof from size 0 proves nothing,
  // and transparency-dev/merkle refuses to check one; so do we.
  if (m === 0n) throw fail('a consistency proof from the empty tree is meaningless');
  if (m === n) {
    if (proof.length !== 0) throw fail('trees of equal size need an empty proof');
    if (!(root1 instanceof Uint8Array && root2 instanceof Uint8Array && equalBytes(root1, root2))) {
      throw fail(`two trees of size ${m} have different roots`);
    }
    return true;
  }
  checkHash(root1, 'the first root');
  checkHash(root2, 'the second root');
  proof.forEach((p, i) => checkHash(p, `proof hash ${i}`));
  if (proof.length === 0) throw fail('the proof is empty');
  const path = (m & (m - 1n)) === 0n ? [root1, ...proof] : [...proof];
  let fn = m - 1n;
  let sn = n - 1n;
  while ((fn & 1n) === 1n) { fn >>= 1n; sn >>= 1n; }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0n) throw fail(`the proof has ${proof.length} hashes, too many`);
    if ((fn & 1n) === 1n || fn === sn) {
      fr = await nodeHash(c, fr);
      sr = await nodeHash(c, sr);
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
      }
    } else {
      sr = await nodeHash(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n) throw fail(`the proof has ${proof.length} hashes, too few`);
  if (!equalBytes(fr, root1)) throw fail(`the proof leads to first root ${short(fr)}, not ${short(root1)}`);
  if (!equalBytes(sr, root2)) throw fail(`the proof leads to second root ${short(sr)}, not ${short(root2)}`);
  return true;
}

// The largest power of two strictly below n (n >= 2).
export function splitPoint(n) {
  let k = 1n;
  while (k << 1n < n) k <<= 1n;
  return k;
}

// MTH over a list of leaf hashes (RFC 9162 section 2.1.1): the root of the
// tree whose leaves hash to `hashes`. The empty list gives SHA-256("").
export async function rootFromLeafHashes(hashes) {
  hashes.forEach((h, i) => checkHash(h, `leaf hash ${i}`));
  if (hashes.length === 0) return emptyRoot();
  let level = hashes;
  while (level.length > 1) {
    const up = [];
    for (let i = 0; i + 1 < level.length; i += 2) up.push(nodeHash(level[i], level[i + 1]));
    const next = await Promise.all(up);
    if (level.length % 2 === 1) next.push(level[level.length - 1]);
    level = next;
  }
  return level[0];
}
