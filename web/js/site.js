// The web view's data and its verification in the browser.
//
// The pages show facts from the JSON the ledger published (data/), but
// only as verified after checking, for each fact, against the published
// log (checkpoint and tiles beside the pages):
//   1. the checkpoint is signed by one of the log keys the site was
//      published with (and cosigned by the quorum of its witnesses);
//   2. the tiles hash to the checkpoint's root;
//   3. the fact's entry bytes, from its entry bundle, are the leaf the tree
//      holds at its sequence, and are included in the checkpoint's tree;
//   4. the entry decodes (with the schema the ledger published) to the
//      sequence, stream and event the page shows.
// A fact that fails any of these is shown in red with what failed; nothing
// unverified is called verified.

import { VerifyError } from './errors.js';
import { parseVerifierKey, verifyCheckpoint } from './note.js';
import { TileFetcher, TILE_WIDTH, tileWidth, verifyTreeRoot, verifyEntryInTiles, toNumber } from './tiles.js';
import { decodeEntry, entrySchema, EVENT_TYPE_URL } from './entry.js';
import { schemaFromJson } from './schema.js';

export async function fetchJson(url) {
  let response;
  try {
    response = await fetch(url, { cache: 'no-cache' });
  } catch (e) {
    throw new VerifyError('fetch-failed', `could not fetch ${url}: ${e.message}`, url);
  }
  if (!response.ok) throw new VerifyError('fetch-failed', `fetching ${url} answered HTTP ${response.status}`, url);
  try {
    return await response.json();
  } catch (e) {
    throw new VerifyError('bad-data', `${url} is not JSON: ${e.message}`, url);
  }
}

// Sorted keys, so two JSON values compare by content.
export function canonical(v) {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical(v[k])]));
  }
  return v;
}

// The first place where `shown` and `decoded` differ, as "a.b[2].c", or ''.
export function firstDifference(shown, decoded, path = '') {
  if (JSON.stringify(canonical(shown)) === JSON.stringify(canonical(decoded))) return '';
  if (shown && decoded && typeof shown === 'object' && typeof decoded === 'object') {
    const keys = new Set([...Object.keys(shown), ...Object.keys(decoded)]);
    for (const k of [...keys].sort()) {
      const p = Array.isArray(shown) ? `${path}[${k}]` : path ? `${path}.${k}` : k;
      const d = firstDifference(shown[k], decoded[k], p);
      if (d) return d;
    }
  }
  return path || '(the whole event)';
}

export class SiteVerifier {
  // `index` is data/index.json, `schemaJson` data/schema.json; the log is
  // read under `base` (the directory holding checkpoint and tile/).
  constructor(index, schemaJson, { base = '.', fetch: fetchFn } = {}) {
    this.index = index;
    this.schemaJson = schemaJson;
    this.fetcher = new TileFetcher(new URL(base.endsWith('/') ? base : `${base}/`, location.href).href,
      fetchFn ? { fetch: fetchFn } : {});
    this.ready = null;
  }

  // Checks the checkpoint and the tree once; returns
  // { ok, size, signedBy, cosignedBy } or { ok: false, error }.
  start() {
    if (!this.ready) this.ready = this.check().catch((e) => ({ ok: false, error: asVerifyError(e) }));
    return this.ready;
  }

  async check() {
    this.schema = entrySchema(schemaFromJson(this.schemaJson));
    // The members of Event's oneof `kind`: a fact's kind must be the one its
    // bytes hold.
    const eventFields = this.schemaJson.messages[this.schemaJson.root] || {};
    this.kinds = new Set(Object.values(eventFields).filter((f) => f[3] === 'kind').map((f) => f[0]));
    // C2SP: a verifier pins the log's origin; an index without one would
    // let any checkpoint signed by the keys through.
    if (typeof this.index.origin !== 'string' || this.index.origin === '') {
      throw new VerifyError('bad-data', 'the published index names no log origin to check the checkpoint against',
        'data/index.json');
    }
    const logKeys = await Promise.all(this.index.logKeys.map((k) => parseVerifierKey(k)));
    const witnesses = await Promise.all((this.index.witnessKeys || []).map((k) => parseVerifierKey(k)));
    const v = await verifyCheckpoint(await this.fetcher.checkpoint(), {
      logKeys, witnesses, origin: this.index.origin, quorum: this.index.witnessQuorum || 0,
    });
    this.checkpoint = v.checkpoint;
    this.tree = await verifyTreeRoot(this.fetcher, v.checkpoint);
    return {
      ok: true,
      size: toNumber(v.checkpoint.size, 'tree size'),
      origin: v.checkpoint.origin,
      signedBy: v.signedBy,
      cosignedBy: v.cosignedBy.map((c) => c.label),
    };
  }

  // Verifies one fact ({sequence, stream, event} from the published data).
  // Returns { ok, words, code?, entry?, unchecked? }; never throws. A fact
  // beyond the checkpoint is { ok: false, unchecked: true }: not verified,
  // but not found wrong either.
  async verifyFact(fact) {
    const head = await this.start();
    const n = Number(fact.sequence);
    if (!head.ok) return failed(`the checkpoint: ${head.error.code}: ${head.error.message}`, head.error.code);
    if (n >= head.size) {
      // Recorded after the newest checkpoint was signed: nothing vouches for
      // it yet, and nothing says it was tampered with either.
      return {
        ok: false,
        unchecked: true,
        code: 'not-in-checkpoint',
        words: `not yet checked: recorded after the newest signed checkpoint (size ${head.size}), which does not cover sequence ${n}; it can be checked once a later checkpoint is signed`,
      };
    }
    try {
      const tile = Math.floor(n / TILE_WIDTH);
      const bundle = await this.fetcher.entryBundle(tile, tileWidth(0, tile, head.size));
      const bytes = bundle.entries[n % TILE_WIDTH];
      await verifyEntryInTiles(this.tree, n, bytes, bundle.path);
      const entry = decodeEntry(bytes, `entry ${n}`, this.schema);
      if ((entry.sequence || '0') !== String(n)) {
        throw new VerifyError('fields-differ', `entry ${n} says it is sequence ${entry.sequence}`, `entry ${n}`);
      }
      if (entry.stream !== fact.stream) {
        throw new VerifyError('fields-differ',
          `the page says stream "${fact.stream}", the entry bytes say "${entry.stream}"`, `entry ${n}`);
      }
      const { '@type': type, ...event } = entry.payload || {};
      if (type !== EVENT_TYPE_URL) {
        throw new VerifyError('fields-differ', `entry ${n} does not hold a compact event (its payload is "${type}")`,
          `entry ${n}`);
      }
      const diff = firstDifference(fact.event, event);
      if (diff) {
        throw new VerifyError('fields-differ',
          `what the page shows of ${diff} is not what the entry bytes say`, `entry ${n}`);
      }
      const held = Object.keys(event).filter((k) => this.kinds.has(k));
      if (held.length !== 1 || held[0] !== fact.kind) {
        throw new VerifyError('fields-differ',
          `the page calls fact #${n} a "${fact.kind}", the entry bytes hold ${held.length ? `a "${held.join('", "')}"` : 'no kind'}`,
          `entry ${n}`);
      }
      const cosigned = head.cosignedBy.length ? ` and cosigned by ${head.cosignedBy.join(', ')}` : '';
      return {
        ok: true,
        entry,
        words: `verified: in the log at sequence ${n}, checkpoint of size ${head.size} signed by ${head.signedBy.join(', ')}${cosigned}`,
      };
    } catch (e) {
      const err = asVerifyError(e);
      return failed(`${err.code}: ${err.message}`, err.code);
    }
  }
}

function failed(why, code) {
  return { ok: false, code, words: `NOT verified: ${why}` };
}

function asVerifyError(e) {
  if (e && e.name === 'VerifyError') return e;
  return new VerifyError('unexpected', String(e && e.message ? e.message : e));
}

// Loads data/index.json and data/schema.json under `base`.
export async function loadSite(base = '.') {
  const [index, schema] = await Promise.all([fetchJson(`${base}/data/index.json`), fetchJson(`${base}/data/schema.json`)]);
  return { index, schema };
}
