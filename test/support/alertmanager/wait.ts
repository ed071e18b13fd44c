/** Bounded waiting: every wait in the Alertmanager harness has a deadline and says what it waited for. */

export interface WaitOptions {
  readonly timeoutMs: number;
  readonly intervalMs?: number;
  /** Shown in the timeout error. */
  readonly what: string;
  /** Extra detail for the timeout error (e.g. a process log tail), computed only on failure. */
  readonly detail?: () => string;
  /** Checked every round before the probe: a reason to stop waiting at once (e.g. the process died). */
  readonly abortIf?: () => string | undefined;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves true when `promise` settles within `ms`, false otherwise; leaves no timer behind. */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `probe` until it returns a value other than undefined; throws after the deadline. */
export async function waitForValue<T>(probe: () => T | undefined | Promise<T | undefined>, options: WaitOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 50;
  let lastError: unknown;
  for (;;) {
    const abort = options.abortIf?.();
    if (abort !== undefined) {
      const detail = options.detail ? `\n${options.detail()}` : '';
      throw new Error(`gave up waiting for ${options.what}: ${abort}${detail}`);
    }
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      const detail = options.detail ? `\n${options.detail()}` : '';
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.what}${cause}${detail}`);
    }
    await sleep(interval);
  }
}

/** Polls `condition` until it is true; throws after the deadline. */
export async function waitUntil(condition: () => boolean | Promise<boolean>, options: WaitOptions): Promise<void> {
  await waitForValue(async () => ((await condition()) ? true : undefined), options);
}

/** fetch with its own timeout, so a hung server cannot stall a poll loop. */
export async function fetchWithTimeout(url: string, init: RequestInit = {}, timeoutMs = 2_000): Promise<Response> {
  return fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
}
