import { setTimeout as sleep } from "node:timers/promises";

/** Retries of one request; with the delays below about 40 s in all before giving up. */
export const MAX_ATTEMPTS = 9;
const BASE_DELAY_MS = 250;
const MAX_DELAY_MS = 8_000;
/** A server asking for more than this is not waited on in full, so that every wait stays bounded. */
const MAX_RETRY_AFTER_MS = 30_000;

/**
 * The pause before retry number `attempt` (0-based): exponential with full jitter, so that many
 * clients thrown off together do not come back together; a server's Retry-After wins when given.
 */
export function retryDelayMs(
  attempt: number,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, MAX_RETRY_AFTER_MS);
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Waits, or rejects with the signal's reason as soon as it is aborted. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return sleep(ms, undefined, signal ? { signal } : undefined);
}
