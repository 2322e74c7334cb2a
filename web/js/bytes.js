// Byte helpers: strict base64, hex, UTF-8, comparison. Decoders refuse
// anything that is not in canonical form, because the formats we read
// (signed notes, checkpoints) are compared and signed byte for byte.

import { VerifyError } from './errors.js';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Map([...B64].map((c, i) => [c, i]));

// Standard padded base64 (RFC 4648 section 4), canonical only: padding
// required, no whitespace, unused bits zero.
export function fromBase64(text, what = 'base64') {
  if (typeof text !== 'string' || text.length % 4 !== 0) {
    throw new VerifyError('bad-base64', `${what} is not padded base64 (length ${text.length})`);
  }
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    let v = 0;
    for (let j = 0; j < 4; j++) {
      const c = text[i + j];
      const last = i + 4 === text.length;
      if (c === '=' && last && j >= 4 - pad) { v <<= 6; continue; }
      const d = B64_INDEX.get(c);
      if (d === undefined) {
        throw new VerifyError('bad-base64', `${what} has a character outside base64 at offset ${i + j}`);
      }
      v = (v << 6) | d;
    }
    const three = [(v >> 16) & 255, (v >> 8) & 255, v & 255];
    const keep = i + 4 === text.length ? 3 - pad : 3;
    if (keep < 3 && three.slice(keep).some((b) => b !== 0)) {
      throw new VerifyError('bad-base64', `${what} is not canonical base64 (nonzero padding bits)`);
    }
    for (let j = 0; j < keep; j++) out[o++] = three[j];
  }
  return out;
}

export function toBase64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = bytes.length - i;
    const v = (bytes[i] << 16) | ((n > 1 ? bytes[i + 1] : 0) << 8) | (n > 2 ? bytes[i + 2] : 0);
    s += B64[(v >> 18) & 63] + B64[(v >> 12) & 63];
    s += n > 1 ? B64[(v >> 6) & 63] : '=';
    s += n > 2 ? B64[v & 63] : '=';
  }
  return s;
}

export function toHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function fromHex(text, what = 'hex') {
  if (!/^([0-9a-f]{2})*$/.test(text)) {
    throw new VerifyError('bad-hex', `${what} is not lower-case hex of whole bytes`);
  }
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

const UTF8_DECODER = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const UTF8_ENCODER = new TextEncoder();

export function utf8(text) {
  return UTF8_ENCODER.encode(text);
}

// Decodes UTF-8, refusing invalid sequences instead of replacing them.
export function fromUtf8(bytes, what = 'text') {
  try {
    return UTF8_DECODER.decode(bytes);
  } catch (e) {
    throw new VerifyError('bad-utf8', `${what} is not valid UTF-8`);
  }
}

export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

export function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}
