// RFC 9162 proofs in the browser against transparency-dev/merkle's
// published vectors (tests/testdata/merkle), positive and negative.

import { test, assert, assertEqual, assertFails, fetchJson, runAll } from './harness.js';
import { fromBase64, toBase64, utf8 } from '../../web/js/bytes.js';
import {
  leafHash, nodeHash, emptyRoot, rootFromLeafHashes, verifyInclusion, verifyConsistency,
} from '../../web/js/merkle.js';

const b64 = (s) => (s === null || s === undefined ? null : fromBase64(s));
const hashes = (list) => (list || []).map(b64);

// Vectors carry nulls (no root, no leaf) and hashes of other lengths to
// test the verifier's input checks; any refusal counts for those.
async function runInclusion(c) {
  return verifyInclusion(BigInt(c.leafIdx), BigInt(c.treeSize), b64(c.leafHash), hashes(c.proof), b64(c.root));
}

async function runConsistency(c) {
  return verifyConsistency(BigInt(c.size1), BigInt(c.size2), hashes(c.proof), b64(c.root1), b64(c.root2));
}

async function outcome(fn) {
  try {
    await fn();
    return { ok: true };
  } catch (e) {
    return { ok: false, error: e };
  }
}

export async function run(suite) {
  const vectors = await fetchJson('/testdata/merkle-vectors.json');

  test('the published vectors are all loaded', async () => {
    assertEqual(vectors.filter((v) => v.kind === 'inclusion').length, 98, 'inclusion vectors');
    assertEqual(vectors.filter((v) => v.kind === 'consistency').length, 98, 'consistency vectors');
    assert(vectors.some((v) => v.wantErr) && vectors.some((v) => !v.wantErr), 'both kinds of case');
  });

  for (const kind of ['inclusion', 'consistency']) {
    test(`every ${kind} vector is accepted or refused as published`, async () => {
      const wrong = [];
      for (const c of vectors.filter((v) => v.kind === kind)) {
        const r = await outcome(() => (kind === 'inclusion' ? runInclusion(c) : runConsistency(c)));
        if (r.ok === c.wantErr) {
          wrong.push(`${c.file} (${c.desc}): ${r.ok ? 'accepted' : r.error.message}`);
        } else if (!r.ok && r.error.name !== 'VerifyError') {
          wrong.push(`${c.file}: refused with ${r.error.name}, not a VerifyError: ${r.error.message}`);
        }
      }
      assert(wrong.length === 0, `${wrong.length} vectors disagree:\n${wrong.join('\n')}`);
    });
  }

  test('hashes follow RFC 9162: leaf 0x00 prefix, node 0x01 prefix, empty tree SHA-256 of nothing', async () => {
    assertEqual(toBase64(await emptyRoot()), '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');
    // RFC 6962 test suites: the leaf hash of the empty leaf.
    assertEqual(toBase64(await leafHash(new Uint8Array(0))), 'bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=');
    const a = await leafHash(utf8('a'));
    const b = await leafHash(utf8('b'));
    assertEqual(toBase64(await rootFromLeafHashes([a, b])), toBase64(await nodeHash(a, b)));
  });

  test('the 8-leaf reference tree has the published root', async () => {
    // Leaves of the RFC 6962 reference tree (transparency-dev/merkle
    // testonly): the root is the happy-path root of the size-8 vectors.
    const inputs = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
    const leaves = await Promise.all(inputs.map((h) => leafHash(Uint8Array.from(h.match(/../g) || [], (x) => parseInt(x, 16)))));
    const happy = vectors.find((v) => v.kind === 'inclusion' && v.treeSize === '8' && !v.wantErr);
    assertEqual(toBase64(await rootFromLeafHashes(leaves)), happy.root);
  });

  test('a proof that fails names the leaf and both roots', async () => {
    const c = vectors.find((v) => v.kind === 'inclusion' && v.treeSize === '8' && v.proof.length > 0 && !v.wantErr);
    const proof = hashes(c.proof);
    proof[0] = new Uint8Array(32);
    await assertFails(verifyInclusion(BigInt(c.leafIdx), 8, b64(c.leafHash), proof, b64(c.root)), 'inclusion-failed', [`leaf ${c.leafIdx}`, c.root]);
    await assertFails(verifyInclusion(8, 8, b64(c.leafHash), [], b64(c.root)), 'inclusion-failed', ['not below tree size 8']);
    await assertFails(verifyInclusion(-1, 8, b64(c.leafHash), [], b64(c.root)), 'bad-size');
    await assertFails(verifyInclusion(0.5, 8, b64(c.leafHash), [], b64(c.root)), 'bad-size');
    await assertFails(verifyConsistency(3, 2, [], b64(c.root), b64(c.root)), 'consistency-failed', ['larger']);
    await assertFails(verifyInclusion(0, 8, new Uint8Array(31), [], b64(c.root)), 'bad-hash');
  });

  await runAll(suite);
}
