// C2SP signed notes (signed-note v1.0.0) with Ed25519 signatures, C2SP
// checkpoints (tlog-checkpoint v1.0.0) and Ed25519 cosignatures (C2SP
// tlog-cosignature v1.0.x, `cosignature/v1`, key type 0x04), checked with
// WebCrypto. Nothing here trusts the server: a note is accepted only when a
// key the caller supplies verifies it.
//
// Every function returns its result or throws a VerifyError (errors.js)
// whose `code` names what failed:
//   bad-key              a verifier key string is malformed
//   malformed-note       the note's bytes break the signed-note grammar
//   malformed-checkpoint the note's text is not a checkpoint
//   unknown-key          no signature on the note is by a known key
//   bad-signature        a known key's signature does not verify
//   wrong-origin         the checkpoint names another log
//   quorum-not-met       fewer witnesses cosigned than required

import { VerifyError } from './errors.js';
import { concat, fromBase64, fromUtf8, toBase64, toHex, utf8 } from './bytes.js';

export const KEY_TYPE_ED25519 = 0x01;
export const KEY_TYPE_COSIGNATURE_V1 = 0x04;
// As many signatures as Go's sumdb/note and our C++ accept.
export const MAX_SIGNATURES = 100;
const EM_DASH = '\u2014';

// A key name is non-empty UTF-8 with no white space, no '+', no control
// characters (signed-note "Verifier keys").
export function checkKeyName(name) {
  if (typeof name !== 'string' || name.length === 0) return 'the key name is empty';
  if (/[\s+\p{Cc}]/u.test(name)) return `the key name "${name}" contains a space, '+' or control character`;
  return '';
}

// SHA-256(name || "\n" || type || key)[:4] as an unsigned 32-bit number.
export async function keyId(name, type, publicKey) {
  const digest = new Uint8Array(await crypto.subtle.digest(
    'SHA-256', concat(utf8(name), utf8('\n'), Uint8Array.of(type), publicKey)));
  return ((digest[0] << 24) | (digest[1] << 16) | (digest[2] << 8) | digest[3]) >>> 0;
}

export function keyIdHex(id) {
  return id.toString(16).padStart(8, '0');
}

// Parses a verifier key string `name+hex(key id)+base64(type || key)` and
// checks that the key id belongs to the name and key. Returns
// { name, keyId, type, publicKey, label, key (a WebCrypto CryptoKey) }.
export async function parseVerifierKey(vkey) {
  const fail = (why) => new VerifyError('bad-key', `verifier key ${JSON.stringify(vkey)}: ${why}`);
  if (typeof vkey !== 'string') throw fail('is not a string');
  // Split at the first two '+': base64 may contain '+' too.
  const first = vkey.indexOf('+');
  const second = first < 0 ? -1 : vkey.indexOf('+', first + 1);
  if (second < 0) throw fail('does not have the form name+keyid+key');
  const [name, idHex, keyB64] = [vkey.slice(0, first), vkey.slice(first + 1, second), vkey.slice(second + 1)];
  const nameProblem = checkKeyName(name);
  if (nameProblem) throw fail(nameProblem);
  if (!/^[0-9a-f]{8}$/.test(idHex)) throw fail('the key id is not 8 lower-case hex digits');
  let raw;
  try {
    raw = fromBase64(keyB64, 'the key');
  } catch (e) {
    throw fail(e.message);
  }
  if (raw.length < 1) throw fail('the key is empty');
  const type = raw[0];
  if (type !== KEY_TYPE_ED25519 && type !== KEY_TYPE_COSIGNATURE_V1) {
    throw fail(`unsupported key type 0x${type.toString(16).padStart(2, '0')}`);
  }
  const publicKey = raw.slice(1);
  if (publicKey.length !== 32) throw fail(`an Ed25519 key has 32 bytes, not ${publicKey.length}`);
  const id = await keyId(name, type, publicKey);
  if (keyIdHex(id) !== idHex) throw fail('the key id does not belong to this name and key');
  let key;
  try {
    key = await crypto.subtle.importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify']);
  } catch (e) {
    throw fail(`WebCrypto refused the Ed25519 key: ${e.message}`);
  }
  return { name, keyId: id, type, publicKey, label: `${name}+${idHex}`, key };
}

// Splits a note into its text and signature lines without verifying
// anything. Accepts a string or the note's bytes. Returns
// { text, signatures: [{ name, keyId, signature (Uint8Array), line }] }.
export function parseNote(note) {
  const fail = (why) => new VerifyError('malformed-note', `the signed note is malformed: ${why}`);
  let text;
  try {
    text = typeof note === 'string' ? note : fromUtf8(note, 'the note');
  } catch (e) {
    throw fail('it is not valid UTF-8');
  }
  if (!text.isWellFormed()) throw fail('it is not valid Unicode');
  if (/[\u0000-\u0009\u000B-\u001F]/.test(text)) {
    throw fail('it contains a control character other than newline');
  }
  const split = text.lastIndexOf('\n\n');
  if (split < 0) throw fail('there is no blank line before the signatures');
  const body = text.slice(0, split + 1);
  const block = text.slice(split + 2);
  if (!block.endsWith('\n')) throw fail('the last signature line does not end in a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw fail(`it has more than ${MAX_SIGNATURES} signatures`);
  const signatures = lines.map((line, i) => {
    const where = `signature line ${i + 1}`;
    if (!line.startsWith(EM_DASH + ' ')) throw fail(`${where} does not start with "${EM_DASH} "`);
    const rest = line.slice(2);
    const space = rest.indexOf(' ');
    if (space <= 0) throw fail(`${where} has no key name followed by a space`);
    const name = rest.slice(0, space);
    if (checkKeyName(name)) throw fail(`${where}: ${checkKeyName(name)}`);
    let raw;
    try {
      raw = fromBase64(rest.slice(space + 1), 'the signature');
    } catch (e) {
      throw fail(`${where}: ${e.message}`);
    }
    if (raw.length < 5) throw fail(`${where} holds ${raw.length} bytes, fewer than a key id and a signature`);
    const id = ((raw[0] << 24) | (raw[1] << 16) | (raw[2] << 8) | raw[3]) >>> 0;
    return { name, keyId: id, signature: raw.slice(4), line };
  });
  return { text: body, signatures };
}

// The message a signature covers: the note text itself for a note key
// (0x01); "cosignature/v1\ntime <t>\n" || text for a cosigner (0x04), whose
// signature is an 8-byte big-endian timestamp followed by the Ed25519
// signature. Returns { message, signature, timestamp } or null when the
// signature cannot be one of this key type.
function signedMessage(verifier, text, signature) {
  if (verifier.type === KEY_TYPE_ED25519) {
    return signature.length === 64 ? { message: utf8(text), signature, timestamp: null } : null;
  }
  if (signature.length !== 72) return null;
  let t = 0n;
  for (let i = 0; i < 8; i++) t = (t << 8n) | BigInt(signature[i]);
  if (t >= 1n << 63n) return null;
  return {
    message: utf8(`cosignature/v1\ntime ${t}\n${text}`),
    signature: signature.slice(8),
    timestamp: t,
  };
}

async function ed25519Verify(verifier, signature, message) {
  try {
    return await crypto.subtle.verify({ name: 'Ed25519' }, verifier.key, signature, message);
  } catch (e) {
    return false;
  }
}

// Opens a signed note with the given verifiers (from parseVerifierKey).
// Signatures by other keys are listed as unknown, once each. Returns
// { text, verified: [{ name, keyId, label, type, timestamp }], unknown:
// [{ name, keyId, label }] }. Throws unknown-key when no signature is by a
// known key and bad-signature when a known key's signature fails (as Go's
// note.Open does: a bad signature by a trusted key is never ignored).
export async function openNote(note, verifiers) {
  const parsed = parseNote(note);
  const known = new Map();
  for (const v of verifiers) {
    const k = `${v.name}\u0000${v.keyId}`;
    const seen = known.get(k);
    if (seen && toHex(seen.publicKey) !== toHex(v.publicKey)) {
      throw new VerifyError('bad-key', `two different keys are named ${v.label}: the key list is ambiguous`);
    }
    known.set(k, v);
  }
  const verified = [];
  const unknown = [];
  const done = new Set();
  for (const sig of parsed.signatures) {
    const k = `${sig.name}\u0000${sig.keyId}`;
    const label = `${sig.name}+${keyIdHex(sig.keyId)}`;
    if (done.has(k + toBase64(sig.signature))) continue;
    done.add(k + toBase64(sig.signature));
    const v = known.get(k);
    if (!v) {
      if (!unknown.some((u) => u.name === sig.name && u.keyId === sig.keyId)) {
        unknown.push({ name: sig.name, keyId: sig.keyId, label });
      }
      continue;
    }
    const m = signedMessage(v, parsed.text, sig.signature);
    if (!m || !(await ed25519Verify(v, m.signature, m.message))) {
      throw new VerifyError('bad-signature', `the signature by ${label} does not verify`, label);
    }
    if (!verified.some((x) => x.name === v.name && x.keyId === v.keyId)) {
      verified.push({ name: v.name, keyId: v.keyId, label, type: v.type, timestamp: m.timestamp });
    }
  }
  if (verified.length === 0) {
    const signers = parsed.signatures.map((s) => `${s.name}+${keyIdHex(s.keyId)}`);
    const keys = verifiers.map((v) => v.label);
    throw new VerifyError('unknown-key',
      `no signature by a known key: signed by [${[...new Set(signers)].join(', ')}], known keys are [${keys.join(', ')}]`);
  }
  return { text: parsed.text, verified, unknown };
}

const MAX_UINT64 = (1n << 64n) - 1n;

// Parses a checkpoint body (tlog-checkpoint v1.0.0): origin line, decimal
// tree size, base64 root hash, then optional non-empty extension lines.
// Returns { origin, size (BigInt), rootHash (32 bytes), extensions }.
export function parseCheckpoint(text) {
  const fail = (why) => new VerifyError('malformed-checkpoint', `the checkpoint is malformed: ${why}`);
  if (!text.endsWith('\n')) throw fail('it does not end in a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw fail(`it has ${lines.length} lines, fewer than origin, size and root`);
  const [origin, sizeText, rootText, ...extensions] = lines;
  if (origin.length === 0) throw fail('the origin line is empty');
  if (!/^(0|[1-9][0-9]{0,19})$/.test(sizeText)) throw fail(`the size "${sizeText}" is not a decimal number without leading zeros`);
  const size = BigInt(sizeText);
  if (size > MAX_UINT64) throw fail('the size does not fit in 64 bits');
  let rootHash;
  try {
    rootHash = fromBase64(rootText, 'the root hash');
  } catch (e) {
    throw fail(e.message);
  }
  if (rootHash.length !== 32) throw fail(`the root hash has ${rootHash.length} bytes, not 32`);
  if (extensions.some((l) => l.length === 0)) throw fail('an extension line is empty');
  return { origin, size, rootHash, extensions };
}

// Verifies a signed checkpoint: at least one signature by one of `logKeys`,
// the origin (when `origin` is given), and the cosignatures of `witnesses`
// (every present cosignature by a listed witness must verify; at least
// `quorum` of them must be present). Returns { checkpoint, text, signedBy:
// [labels], cosignedBy: [{ label, timestamp }], unknown: [labels] }.
export async function verifyCheckpoint(note, { logKeys, witnesses = [], origin = null, quorum = 0 }) {
  const opened = await openNote(note, [...logKeys, ...witnesses]);
  const isLog = (x) => logKeys.some((k) => k.name === x.name && k.keyId === x.keyId);
  const signedBy = opened.verified.filter(isLog).map((x) => x.label);
  if (signedBy.length === 0) {
    const signers = [...opened.verified.map((x) => x.label), ...opened.unknown.map((x) => x.label)];
    throw new VerifyError('unknown-key',
      `no signature by the log's key: signed by [${signers.join(', ')}], the log's keys are [${logKeys.map((k) => k.label).join(', ')}]`);
  }
  const checkpoint = parseCheckpoint(opened.text);
  if (origin !== null && checkpoint.origin !== origin) {
    throw new VerifyError('wrong-origin', `the checkpoint is for log "${checkpoint.origin}", not "${origin}"`);
  }
  const cosignedBy = opened.verified.filter((x) => !isLog(x))
    .map((x) => ({ label: x.label, timestamp: x.timestamp }));
  if (cosignedBy.length < quorum) {
    throw new VerifyError('quorum-not-met',
      `${cosignedBy.length} of the required ${quorum} witnesses cosigned: [${cosignedBy.map((c) => c.label).join(', ')}]`);
  }
  return { checkpoint, text: opened.text, signedBy, cosignedBy, unknown: opened.unknown.map((x) => x.label) };
}
