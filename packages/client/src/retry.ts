import { parseRetryAfter } from './problem';

export interface RetryOptions {
  /** Attempts after the first; 0 turns retrying off. Default 2. */
  readonly retries?: number;
  /** The longest wait between attempts, whatever Retry-After asks for. Default 10 s. */
  readonly maxDelayMs?: number;
  /** The wait for a 503 without Retry-After, doubled per attempt. Default 250 ms. */
  readonly baseDelayMs?: number;
}

type Fetch = (request: Request) => Promise<Response>;

/**
 * Wraps fetch so that 503 (Keyhouse or an upstream briefly unavailable) and 429 (over the
 * rate limit) are retried a bounded number of times, waiting what Retry-After says (capped).
 * A 429 whose Retry-After is beyond the cap is handed back at once: waiting less would only
 * be refused again.
 */
export function retryingFetch(fetchFn: Fetch, options: RetryOptions = {}): Fetch {
  const retries = Math.max(0, options.retries ?? 2);
  const maxDelayMs = options.maxDelayMs ?? 10_000;
  const baseDelayMs = options.baseDelayMs ?? 250;
  return async (request) => {
    for (let attempt = 0; ; attempt += 1) {
      // A body can be read once: each attempt sends its own copy.
      const response = await fetchFn(attempt < retries ? request.clone() : request);
      if (attempt >= retries || (response.status !== 503 && response.status !== 429)) {
        return response;
      }
      const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
      if (response.status === 429 && retryAfter === undefined) {
        return response;
      }
      const delayMs = retryAfter !== undefined ? retryAfter * 1000 : baseDelayMs * 2 ** attempt;
      if (response.status === 429 && delayMs > maxDelayMs) {
        return response;
      }
      await response.body?.cancel();
      await sleep(Math.min(delayMs, maxDelayMs));
    }
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
