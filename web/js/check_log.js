// Checks a published tlog-tiles log from its base URL and the log's
// verifier key, and says the outcome in words. Never reports success
// unless the checkpoint's signature and the tiles' root both verified.

import { parseVerifierKey, verifyCheckpoint } from './note.js';
import { TileFetcher, verifyTreeRoot } from './tiles.js';
import { toBase64 } from './bytes.js';

// Returns { ok, words, checkpoint? }; never throws.
export async function checkPublishedLog(base, vkey, { fetch: fetchFn } = {}) {
  try {
    const key = await parseVerifierKey(String(vkey).trim());
    const fetcher = new TileFetcher(base, fetchFn ? { fetch: fetchFn } : {});
    const v = await verifyCheckpoint(await fetcher.checkpoint(), { logKeys: [key] });
    await verifyTreeRoot(fetcher, v.checkpoint);
    const c = v.checkpoint;
    return {
      ok: true,
      checkpoint: c,
      words: `Verified: the log "${c.origin}" has ${c.size} entries with root ${toBase64(c.rootHash)}, ` +
        `signed by ${v.signedBy.join(', ')}, and its tiles hash to that root.` +
        (v.unknown.length ? ` Other signatures not checked (keys not given): ${v.unknown.join(', ')}.` : ''),
    };
  } catch (e) {
    const what = e && e.name === 'VerifyError' ? `${e.code}: ${e.message}` : `unexpected error: ${e && e.message}`;
    return { ok: false, words: `Not verified. ${what}` };
  }
}
