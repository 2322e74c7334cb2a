// A small reader of the protobuf wire format, driven by a schema, that
// decodes a message into the shape of its proto3 JSON mapping (lowerCamel
// names, 64-bit integers as decimal strings, bytes as base64, enums by
// name, defaults left out). Unknown fields are skipped. Malformed bytes
// throw a VerifyError `malformed-entry` naming the byte offset.
//
// A schema maps field numbers to [jsonName, type, options], where type is
// one of string, bytes, uint64, int64, int32, uint32, bool, an enum (an array of
// value names) or a message schema (an object); options: 'repeated',
// 'optional' (proto3 optional or oneof member: kept even when default).

import { VerifyError } from './errors.js';
import { fromUtf8, toBase64 } from './bytes.js';

export class WireReader {
  constructor(bytes, where) {
    this.bytes = bytes;
    this.pos = 0;
    this.where = where;
  }

  fail(why) {
    return new VerifyError('malformed-entry', `${why} at byte ${this.pos}`, this.where);
  }

  varint() {
    let v = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.pos >= this.bytes.length) throw this.fail('a varint runs past the end');
      const b = this.bytes[this.pos++];
      v |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) {
        if (v >= 1n << 64n) throw this.fail('a varint is longer than 64 bits');
        return v;
      }
    }
    throw this.fail('a varint is longer than 10 bytes');
  }

  take(n) {
    if (n > BigInt(this.bytes.length - this.pos)) throw this.fail(`a field claims ${n} bytes, more than remain`);
    const out = this.bytes.subarray(this.pos, this.pos + Number(n));
    this.pos += Number(n);
    return out;
  }

  skip(wireType) {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.take(8n);
    else if (wireType === 2) this.take(this.varint());
    else if (wireType === 5) this.take(4n);
    else throw this.fail(`unsupported wire type ${wireType}`);
  }
}

const SCALAR_WIRE = { string: 2, bytes: 2, uint64: 0, int64: 0, int32: 0, uint32: 0, bool: 0 };

function scalar(r, type, wireType) {
  if (Array.isArray(type)) {
    if (wireType !== 0) throw r.fail('an enum is not a varint');
    const n = Number(BigInt.asIntN(32, r.varint()));
    return type[n] !== undefined ? type[n] : n;
  }
  if (wireType !== SCALAR_WIRE[type]) throw r.fail(`a ${type} field has wire type ${wireType}`);
  switch (type) {
    case 'string': return fromUtf8(r.take(r.varint()), 'a string field');
    case 'bytes': return toBase64(r.take(r.varint()));
    case 'uint64': return r.varint().toString();
    case 'int64': return BigInt.asIntN(64, r.varint()).toString();
    case 'int32': return Number(BigInt.asIntN(32, r.varint()));
    case 'uint32': return Number(BigInt.asUintN(32, r.varint()));
    case 'bool': return r.varint() !== 0n;
    default: throw r.fail(`unknown schema type ${type}`);
  }
}

function isDefault(v) {
  return v === '' || v === '0' || v === 0 || v === false;
}

// Decodes `bytes` as a message of `schema`. `where` names the entry in
// errors.
export function decodeMessage(bytes, schema, where = '') {
  const r = new WireReader(bytes, where);
  const out = {};
  while (r.pos < bytes.length) {
    const tag = r.varint();
    const field = Number(tag >> 3n);
    const wireType = Number(tag & 7n);
    if (field === 0) throw r.fail('field number 0');
    const spec = schema[field];
    if (!spec) { r.skip(wireType); continue; }
    const [name, type, option] = spec;
    let value;
    if (typeof type === 'object' && !Array.isArray(type)) {
      if (wireType !== 2) throw r.fail(`message field ${name} has wire type ${wireType}`);
      const inner = r.take(r.varint());
      value = type.decode ? type.decode(inner, where) : decodeMessage(inner, type, where);
    } else if (option === 'repeated' && wireType === 2 && SCALAR_WIRE[type] === 0) {
      const packed = new WireReader(r.take(r.varint()), where);
      const values = [];
      while (packed.pos < packed.bytes.length) values.push(scalar(packed, type, 0));
      out[name] = [...(out[name] || []), ...values];
      continue;
    } else {
      value = scalar(r, type, wireType);
    }
    if (option === 'repeated') out[name] = [...(out[name] || []), value];
    else out[name] = value;
  }
  for (const [, [name, type, option]] of Object.entries(schema)) {
    if (name in out && option !== 'optional' && option !== 'repeated' && typeof type !== 'object' && isDefault(out[name])) {
      delete out[name];
    }
    if (Array.isArray(type) && name in out && option !== 'optional' && out[name] === type[0]) delete out[name];
  }
  return out;
}
