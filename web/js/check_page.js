// The check page (check.html): checks any published log against the key
// the reader gives, and says the outcome in words.

import { checkPublishedLog } from './check_log.js';
const form = document.getElementById('check');
const status = document.getElementById('status');
const params = new URLSearchParams(location.search);
if (params.get('base')) form.base.value = params.get('base');
if (params.get('key')) form.key.value = params.get('key');
// A link may fill the form in; the reader starts the check, so that a link
// alone never makes this site's page announce a verdict on another log.
async function check() {
  status.className = 'status';
  status.textContent = 'Checking…';
  const r = await checkPublishedLog(form.base.value, form.key.value);
  status.className = r.ok ? 'status ok' : 'status failed';
  status.textContent = r.words;
}
form.addEventListener('submit', (e) => { e.preventDefault(); check(); });
