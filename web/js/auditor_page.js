// The auditor's page: the keys and the policy the pages trust, and whether
// the published checkpoint meets them.

import { h, openSite, failPage } from './page.js';
import { parseVerifierKey } from './note.js';

async function main() {
  const { index, verifier } = await openSite();
  const keyItem = async (k) => {
    let label;
    try {
      label = (await parseVerifierKey(k)).label;
    } catch (e) {
      label = `unreadable key (${e.message})`;
    }
    return h('li', {}, h('strong', {}, label), h('br'), h('code', { class: 'key' }, k));
  };
  const head = await verifier.start();
  document.getElementById('content').replaceChildren(
    h('h2', {}, "The log's keys"),
    h('p', {}, 'A checkpoint must carry a valid Ed25519 signature by one of these (C2SP signed-note verifier keys):'),
    h('ul', {}, await Promise.all(index.logKeys.map(keyItem))),
    h('h2', {}, 'Witnesses'),
    index.witnessKeys.length
      ? [h('p', {}, `Cosignatures (C2SP tlog-cosignature/v1) by these witnesses are checked; at least ${index.witnessQuorum} must be present.`),
        h('ul', {}, await Promise.all(index.witnessKeys.map(keyItem)))]
      : h('p', {}, 'No witness keys were published with these pages: cosignatures are not checked, and no quorum is required.'),
    h('h2', {}, 'Origin'),
    h('p', {}, index.origin ? `Checkpoints must be for the log "${index.origin}".` : 'Any origin the log key signed is accepted.'),
    h('h2', {}, 'The checkpoint now published'),
    h('p', { class: `status ${head.ok ? 'ok' : 'failed'}`, id: 'checkpoint' }, head.ok
      ? `Verified: size ${head.size}, origin "${head.origin}", signed by ${head.signedBy.join(', ')}${head.cosignedBy.length ? `, cosigned by ${head.cosignedBy.join(', ')}` : ''}, tiles hash to its root.`
      : `NOT verified: ${head.error.code}: ${head.error.message}`),
    h('h2', {}, 'Check it elsewhere'),
    h('p', {}, 'Fetch ', h('code', {}, 'checkpoint'), ' and ', h('code', {}, 'tile/'), ' from this site with any C2SP tlog-tiles client, or run ',
      h('code', {}, 'ledgerctl verify'), ' on an audit bundle, with keys you obtained from the operator and the witnesses directly.'));
}

main().catch(failPage);
