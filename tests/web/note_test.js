// Signed notes, checkpoints and cosignatures in the browser, against the
// vectors the C++ tests use (tests/ledger/log/signed_note_test.cc: Go's
// sumdb/note tests and the C2SP signed-note v1.0.0 example), Tessera's
// published checkpoints, and cosignatures made by OpenSSL
// (tests/web/make_vectors.py).

import { test, assert, assertEqual, assertFails, fetchText, fetchJson, runAll } from './harness.js';
import {
  parseVerifierKey, parseNote, openNote, parseCheckpoint, verifyCheckpoint, keyId, keyIdHex,
} from '../../web/js/note.js';
import { toBase64, utf8 } from '../../web/js/bytes.js';

const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const PETER_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG = '\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const ENOCH_VKEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const ENOCH_SIG = '\u2014 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';
const FOO_VKEY = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k';
const FOO_NOTE = 'This is an example message.\n\n\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';
const QUASIMODO = 'Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned \u00e8 subito sera.\n\n\u2014 quasimodo.example/salvatore NnugSzTjtVAewIS+Z/iJhUPeFDkO/5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n';
const TESSERA_VKEY = 'example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx';
const PETER_NOTE = `${PETER_TEXT}\n${PETER_SIG}`;

export async function run(suite) {
  const peter = await parseVerifierKey(PETER_VKEY);
  const enoch = await parseVerifierKey(ENOCH_VKEY);
  const keys = await fetchJson('vectors/keys.json');

  test("Go's verifier key parses and its key id is SHA-256 of name, newline, type and key", async () => {
    assertEqual(peter.name, 'PeterNeumann');
    assertEqual(peter.keyId, 0xc74f20a3);
    assertEqual(peter.label, 'PeterNeumann+c74f20a3');
    assertEqual(await keyId('PeterNeumann', 1, peter.publicKey), 0xc74f20a3);
  });

  test("Go's note by PeterNeumann verifies and its text is returned", async () => {
    const n = await openNote(PETER_NOTE, [peter]);
    assertEqual(n.text, PETER_TEXT);
    assertEqual(n.verified.map((v) => v.label), ['PeterNeumann+c74f20a3']);
    assertEqual(n.unknown, []);
  });

  test('signatures by unknown keys are listed once and ignored', async () => {
    const note = `${PETER_TEXT}\n${PETER_SIG}${PETER_SIG}${ENOCH_SIG}${ENOCH_SIG}`;
    const one = await openNote(note, [peter]);
    assertEqual(one.verified.length, 1);
    assertEqual(one.unknown.map((u) => u.label), ['EnochRoot+af0cfe78']);
    const two = await openNote(note, [peter, enoch]);
    assertEqual(two.verified.map((v) => v.label), ['PeterNeumann+c74f20a3', 'EnochRoot+af0cfe78']);
  });

  test('a note with no signature by a known key fails naming signers and keys', async () => {
    await assertFails(openNote(`${PETER_NOTE}${ENOCH_SIG}`, []), 'unknown-key',
      ['no signature by a known key', 'PeterNeumann+c74f20a3, EnochRoot+af0cfe78']);
  });

  test("a known key's bad signature fails naming the key", async () => {
    const bad = PETER_SIG.slice(0, 60) + 'ABCD' + PETER_SIG.slice(60);
    await assertFails(openNote(`${PETER_TEXT}\n${bad}`, [peter]), 'bad-signature', ['PeterNeumann+c74f20a3']);
  });

  test('altered text fails; every one-byte change of the note is refused', async () => {
    await assertFails(openNote(PETER_NOTE.replace('cryptography', 'Kryptography'), [peter]), 'bad-signature', ['PeterNeumann+c74f20a3']);
    const bytes = utf8(PETER_NOTE);
    const accepted = [];
    for (let i = 0; i < bytes.length; i++) {
      const changed = bytes.slice();
      changed[i] = (changed[i] + 1) & 255;
      try {
        await openNote(changed, [peter]);
        accepted.push(i);
      } catch (e) {
        if (e.name !== 'VerifyError') accepted.push(`${i}: ${e.name}`);
      }
    }
    assertEqual(accepted, [], 'bytes whose change was not refused with a VerifyError:');
  });

  test("Go's malformed notes are refused as malformed", async () => {
    const bad = [
      PETER_TEXT,
      `${PETER_TEXT}\n`,
      `${PETER_TEXT}\n${PETER_SIG.slice(0, -1)}`,
      `\u0001${PETER_TEXT}\n${PETER_SIG}`,
      `${PETER_TEXT}\n\u2014 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=`,
      `${PETER_TEXT}\n${PETER_SIG}Unexpected line.\n`,
      `${PETER_TEXT}\n- PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`,
      `${PETER_TEXT}\n\u2014 PeterNeumann x08g\n`,
      `${PETER_TEXT}\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM\n`,
    ];
    for (const note of bad) await assertFails(openNote(note, [peter]), 'malformed-note', [], JSON.stringify(note));
    const invalidUtf8 = new Uint8Array([0xff, ...utf8(PETER_NOTE)]);
    await assertFails(openNote(invalidUtf8, [peter]), 'malformed-note', ['UTF-8']);
  });

  test('more than 100 signatures are refused', async () => {
    const many = `${PETER_TEXT}\n${PETER_SIG.repeat(101)}`;
    await assertFails(openNote(many, [peter]), 'malformed-note', ['more than 100 signatures']);
    assertEqual((await openNote(`${PETER_TEXT}\n${PETER_SIG.repeat(100)}`, [peter])).verified.length, 1);
  });

  test('the C2SP signed-note example verifies with its key and not with another', async () => {
    const foo = await parseVerifierKey(FOO_VKEY);
    assertEqual(foo.keyId, 0x530d903a);
    assertEqual((await openNote(FOO_NOTE, [foo])).text, 'This is an example message.\n');
    await assertFails(openNote(FOO_NOTE, [peter]), 'unknown-key', ['example.com/foo+530d903a']);
  });

  test("the C2SP introduction's note splits at its last blank line", async () => {
    const n = parseNote(QUASIMODO);
    assert(n.text.endsWith('ed \u00e8 subito sera.\n') && n.text.includes(':\n\ned'), n.text);
    assertEqual(n.signatures.length, 1);
    assertEqual(n.signatures[0].name, 'quasimodo.example/salvatore');
    assertEqual(n.signatures[0].keyId, 0x367ba04b);
    assertEqual(n.signatures[0].signature.length, 64);
  });

  test('malformed verifier keys are refused with reasons', async () => {
    const key = 'ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
    const cases = [
      ['', 'name+keyid+key'],
      ['PeterNeumann+c74f20a3', 'name+keyid+key'],
      [`+c74f20a3+${key}`, 'empty'],
      [`Peter Neumann+c74f20a3+${key}`, 'space'],
      [`Peter\u00a0Neumann+c74f20a3+${key}`, 'space'],
      [`Peter\u3000Neumann+c74f20a3+${key}`, 'space'],
      [`PeterNeumann+C74F20A3+${key}`, '8 lower-case hex'],
      [`PeterNeumann+c74f20a+${key}`, '8 lower-case hex'],
      [`PeterNeumann+c74f20a3+${key}=`, 'base64'],
      [`PeterNeumann+c74f20a3+${key.slice(0, 40)}`, '32 bytes, not 29'],
      [`PeterNeumann+173116ae+Z${key.slice(1)}`, 'unsupported key type 0x65'],
      ['PeterNeumann+c74f20a3+AQ==', '32 bytes, not 0'],
      [`PaulNeumann+c74f20a3+${key}`, 'does not belong to this name and key'],
    ];
    for (const [vkey, why] of cases) await assertFails(parseVerifierKey(vkey), 'bad-key', [why], vkey);
    for (let i = 0; i < PETER_VKEY.length; i++) {
      const changed = PETER_VKEY.slice(0, i) + String.fromCharCode(PETER_VKEY.charCodeAt(i) + 1) + PETER_VKEY.slice(i + 1);
      await assertFails(parseVerifierKey(changed), 'bad-key', [], changed);
    }
  });

  test("every one of Tessera's 16 published checkpoints verifies with the log's key", async () => {
    const log = await parseVerifierKey(TESSERA_VKEY);
    for (let size = 0; size <= 15; size++) {
      const v = await verifyCheckpoint(await fetchText(`/testdata/tessera-log/checkpoint.${size}`),
        { logKeys: [log], origin: 'example.com/log/testdata' });
      assertEqual(v.checkpoint.size, BigInt(size));
      assertEqual(v.checkpoint.rootHash.length, 32);
      assertEqual(v.signedBy, ['example.com/log/testdata+33d7b496']);
    }
  });

  test('a checkpoint signed by an unknown key fails naming the key that signed it', async () => {
    const log = await parseVerifierKey(TESSERA_VKEY);
    const impostor = await fetchText('vectors/tessera-checkpoint.impostor');
    const e = await assertFails(verifyCheckpoint(impostor, { logKeys: [log] }), 'unknown-key',
      [keys.impostor.split('+').slice(0, 2).join('+'), 'example.com/log/testdata+33d7b496']);
    assert(e.message.includes('signed by [example.com/log/testdata+39f7909a]'), e.message);
  });

  test('a checkpoint for another origin is refused', async () => {
    const log = await parseVerifierKey(TESSERA_VKEY);
    await assertFails(verifyCheckpoint(await fetchText('/testdata/tessera-log/checkpoint'),
      { logKeys: [log], origin: 'example.com/other' }), 'wrong-origin', ['example.com/log/testdata', 'example.com/other']);
  });

  test('a cosignature/v1 made by OpenSSL verifies with its time, and counts toward a quorum', async () => {
    const log = await parseVerifierKey(TESSERA_VKEY);
    const witness = await parseVerifierKey(keys.witness);
    assertEqual(witness.type, 4);
    const note = await fetchText('vectors/tessera-checkpoint.cosigned');
    const v = await verifyCheckpoint(note, { logKeys: [log], witnesses: [witness], quorum: 1 });
    assertEqual(v.cosignedBy.map((c) => c.label), [witness.label]);
    assertEqual(v.cosignedBy[0].timestamp, BigInt(keys.witness_timestamp));
    // Without the witness's key the cosignature is unknown, and a quorum fails.
    const alone = await verifyCheckpoint(note, { logKeys: [log] });
    assertEqual(alone.unknown, [witness.label]);
    await assertFails(verifyCheckpoint(note, { logKeys: [log], quorum: 1 }), 'quorum-not-met', ['0 of the required 1']);
  });

  test('an altered cosignature, or the same key read as a note key, fails naming the witness', async () => {
    const log = await parseVerifierKey(TESSERA_VKEY);
    const witness = await parseVerifierKey(keys.witness);
    const note = await fetchText('vectors/tessera-checkpoint.cosigned');
    const lines = note.split('\n');
    const w = lines.length - 2;
    // Change the timestamp (bytes 4..11 of the signature) and then the signature itself.
    for (const at of [10, 40]) {
      const sig = lines[w].split(' ')[2];
      const changed = sig.slice(0, at) + (sig[at] === 'A' ? 'B' : 'A') + sig.slice(at + 1);
      const altered = [...lines.slice(0, w), lines[w].replace(sig, changed), ''].join('\n');
      await assertFails(verifyCheckpoint(altered, { logKeys: [log], witnesses: [witness] }), 'bad-signature', [witness.label]);
    }
    // Cosignatures are over "cosignature/v1\ntime ...\n" || body, never the body alone.
    const type1 = `witness.example/w1+${keyIdHex(await keyId('witness.example/w1', 1, witness.publicKey))}+${toBase64(Uint8Array.of(1, ...witness.publicKey))}`;
    const v1 = await parseVerifierKey(type1);
    const opened = await verifyCheckpoint(note, { logKeys: [log], witnesses: [v1] });
    assertEqual(opened.cosignedBy, [], 'a type 0x01 key has another key id and must not match');
  });

  test('malformed checkpoints are refused with reasons', async () => {
    const root = 'rKbDipCvhuX1GZ7g5BBe8sA6BbJ7ja/1nk427v383cs=';
    const cases = [
      [`o\n15\n${root}`, 'newline'],
      [`o\n15\n`, 'fewer than'],
      [`\n15\n${root}\n`, 'origin'],
      [`o\n015\n${root}\n`, 'leading zeros'],
      [`o\n-1\n${root}\n`, 'decimal'],
      [`o\n18446744073709551616\n${root}\n`, '64 bits'],
      [`o\n15\n${root.slice(4)}\n`, 'bytes, not 32'],
      [`o\n15\n${root}\n\n`, 'extension line is empty'],
    ];
    for (const [text, why] of cases) {
      let error = null;
      try { parseCheckpoint(text); } catch (e) { error = e; }
      assert(error && error.code === 'malformed-checkpoint' && error.message.includes(why),
        `${JSON.stringify(text)}: ${error ? error.message : 'accepted'}`);
    }
    const ok = parseCheckpoint(`o\n18446744073709551615\n${root}\nextension\n`);
    assertEqual(ok.size, 18446744073709551615n);
    assertEqual(ok.extensions, ['extension']);
  });

  await runAll(suite);
}
