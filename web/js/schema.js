// Turns the schema the ledger publishes (data/schema.json, written by the
// C++ from the compiled protobuf descriptors: ledger/site/proto_schema.h)
// into the schema objects protowire.js decodes with, so the pages decode
// events with exactly the field numbers, JSON names and enum names of the
// ledger that wrote them.

import { VerifyError } from './errors.js';

const SCALARS = new Set(['string', 'bytes', 'uint64', 'int64', 'int32', 'uint32', 'bool']);

// Returns the schema of `json.root`. Throws a VerifyError `bad-schema` when
// the JSON names a message or enum it does not describe, or a type this
// decoder does not read.
export function schemaFromJson(json) {
  const fail = (why) => new VerifyError('bad-schema', `the published schema ${why}`, 'data/schema.json');
  if (!json || typeof json !== 'object' || !json.messages || !json.enums) throw fail('is not a schema');
  const enums = new Map();
  for (const [name, values] of Object.entries(json.enums)) {
    const names = [];
    for (const [n, value] of Object.entries(values)) names[Number(n)] = value;
    enums.set(name, names);
  }
  const built = new Map();
  const message = (name) => {
    if (built.has(name)) return built.get(name);
    const fields = json.messages[name];
    if (!fields) throw fail(`does not describe message ${name}`);
    const schema = {};
    built.set(name, schema);
    for (const [number, [jsonName, type, option]] of Object.entries(fields)) {
      let t;
      if (typeof type === 'string') {
        if (!SCALARS.has(type)) throw fail(`has field ${name}.${jsonName} of type ${type}, which this page cannot decode`);
        t = type;
      } else if (type && type.enum) {
        if (!enums.has(type.enum)) throw fail(`does not describe enum ${type.enum}`);
        t = enums.get(type.enum);
      } else if (type && type.message) {
        t = message(type.message);
      } else {
        throw fail(`has field ${name}.${jsonName} of no known type`);
      }
      schema[Number(number)] = [jsonName, t, option || ''];
    }
    return schema;
  };
  return message(json.root);
}
