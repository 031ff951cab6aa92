import { WebexError } from '../webex';

/** For tests: the code of the WebexError `call` throws, or 'no error' when it returns; any other error is rethrown. */
export function thrownCode(call: () => unknown): string {
  try {
    call();
  } catch (err) {
    if (err instanceof WebexError) return err.code;
    throw err;
  }
  return 'no error';
}

/** For tests: the code of the WebexError `promise` rejects with; resolving, or any other error, fails the test. */
export async function rejectedCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof WebexError) return err.code;
    throw err;
  }
  throw new Error('expected a WebexError, but the call succeeded');
}
