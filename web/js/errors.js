// The one error type the verification modules throw.
//
// Every failure says what failed (`code`, a stable kebab-case name a page
// or a test can switch on), where (`where`: an index, a tile path, a key
// name, a URL), and why in words (`message`). Lower-level failures
// (WebCrypto, fetch, decoding) are caught and rethrown as a VerifyError,
// so a caller never sees an unexplained exception.

export class VerifyError extends Error {
  constructor(code, message, where = '') {
    super(where ? `${message} (at ${where})` : message);
    this.name = 'VerifyError';
    this.code = code;
    this.where = where;
  }
}

// Runs `fn` and turns anything it throws that is not already a VerifyError
// into one with `code`, keeping the original message.
export async function wrapErrors(code, where, fn) {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof VerifyError) throw e;
    throw new VerifyError(code, String(e && e.message ? e.message : e), where);
  }
}
