// A small test harness for the browser: register tests, run them in order,
// show each result on the page and post them all to the runner
// (run_browser_tests.py), which fails the ctest on any failure.

const tests = [];

export function test(name, fn) {
  tests.push({ name, fn });
}

export class AssertionError extends Error {}

export function assert(condition, message) {
  if (!condition) throw new AssertionError(message);
}

export function assertEqual(actual, expected, message = '') {
  const a = typeof actual === 'bigint' ? `${actual}n` : JSON.stringify(actual);
  const e = typeof expected === 'bigint' ? `${expected}n` : JSON.stringify(expected);
  if (a !== e) throw new AssertionError(`${message} expected ${e}, got ${a}`);
}

// Awaits `promise` and asserts that it fails with a VerifyError of `code`
// whose message contains every string in `mentions`. Returns the error.
export async function assertFails(promise, code, mentions = [], message = '') {
  let error = null;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  if (!error) throw new AssertionError(`${message} expected a ${code} error, but it succeeded`);
  if (error.name !== 'VerifyError') {
    throw new AssertionError(`${message} expected a VerifyError ${code}, got ${error.name}: ${error.message}`);
  }
  if (error.code !== code) {
    throw new AssertionError(`${message} expected code ${code}, got ${error.code}: ${error.message}`);
  }
  for (const m of mentions) {
    if (!error.message.includes(m)) {
      throw new AssertionError(`${message} the ${code} error does not mention "${m}": ${error.message}`);
    }
  }
  return error;
}

export async function fetchBytes(path) {
  const r = await fetch(path);
  if (!r.ok) throw new Error(`test data ${path}: HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

export async function fetchText(path) {
  return new TextDecoder().decode(await fetchBytes(path));
}

export async function fetchJson(path) {
  return JSON.parse(await fetchText(path));
}

function show(result) {
  const li = document.createElement('li');
  li.textContent = `${result.ok ? 'PASS' : 'FAIL'} ${result.name}${result.ok ? '' : `: ${result.message}`}`;
  li.className = result.ok ? 'pass' : 'fail';
  document.getElementById('results').append(li);
}

export async function post(body) {
  await fetch('/__results', { method: 'POST', body: JSON.stringify(body) });
}

export async function runAll(suite, measures = {}) {
  const results = [];
  const started = performance.now();
  for (const t of tests) {
    const t0 = performance.now();
    let result;
    try {
      await t.fn();
      result = { name: t.name, ok: true };
    } catch (e) {
      result = { name: t.name, ok: false, message: `${e.name}: ${e.message}` };
    }
    result.ms = Math.round((performance.now() - t0) * 10) / 10;
    results.push(result);
    show(result);
  }
  const summary = { suite, results, measures, ms: performance.now() - started, userAgent: navigator.userAgent };
  document.getElementById('summary').textContent =
    `${results.filter((r) => r.ok).length} of ${results.length} passed`;
  await post(summary);
}
