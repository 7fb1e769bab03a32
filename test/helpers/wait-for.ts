/**
 * Polling for tests that watch asynchronous work settle (queue workers, deliveries, processes).
 */
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls until `probe` returns a value.
 * @param what - for the timeout message.
 * @param probe - returns undefined while not there yet.
 * @param timeoutMs - how long to wait (default 8 s).
 * @param intervalMs - pause between probes (default 15 ms).
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 8000,
  intervalMs = 15,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await sleep(intervalMs);
  }
}
