/**
 * The two ways a page talks to resolvers: load something to show (`useResolverQuery`) and run something a
 * person asked for (`useResolverAction`). Both turn a refusal into its `ResolverError` and a rejected call
 * (bridge or network) into a `jira-error`, so every tab reports failures the same way.
 */
import { useCallback, useEffect, useState, type DependencyList, type Dispatch, type SetStateAction } from 'react';
import type { ResolverError, ResolverResult } from '../../src/forge/entry/resolvers/contract';
import { messageOf } from './client';
import { useFeedback } from './feedback';

/** A rejected call, shown like a refusal. */
export function errorOf(e: unknown): ResolverError {
  return { code: 'jira-error', message: messageOf(e) };
}

/** For resolvers that answer with the value itself (they cannot refuse). */
export function okResult<T>(value: T): ResolverResult<T> {
  return { ok: true, value };
}

export interface ResolverQuery<T> {
  /** The last value loaded (or set); null until the first load succeeds. */
  readonly value: T | null;
  /** Why the last load failed; cleared by the next successful one. */
  readonly error: ResolverError | null;
  /** Loads again; `refresh` is passed to the loader (true when the person asked for fresh data). */
  readonly reload: (refresh?: boolean) => Promise<void>;
  /** For changes the page makes itself (an edit, a save's answer), without a round trip. */
  readonly setValue: Dispatch<SetStateAction<T | null>>;
}

/** Loads on mount and whenever `deps` change (they list what the loader reads, as for useEffect). */
export function useResolverQuery<T>(load: (refresh: boolean) => Promise<ResolverResult<T>>, deps: DependencyList): ResolverQuery<T> {
  const [value, setValue] = useState<T | null>(null);
  const [error, setError] = useState<ResolverError | null>(null);
  const reload = useCallback(async (refresh = false) => {
    try {
      const result = await load(refresh);
      if (result.ok) {
        setValue(result.value);
        setError(null);
      } else setError(result.error);
    } catch (e) {
      setError(errorOf(e));
    }
  }, deps);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { value, error, reload, setValue };
}

export interface OnSuccess<T> {
  /**
   * The success message, set (and flagged) as soon as the call succeeds (before `then` runs); null for none. An action
   * that has one replaces the last notice when it starts; one without leaves the last notice standing.
   */
  readonly notice?: string | null | ((value: T) => string | null);
  /** What to do with the value; the action stays busy until it settles, and its failure is reported too. */
  readonly then?: (value: T) => void | Promise<void>;
}

export interface ResolverAction<Job extends string> {
  /** The job running now, for "Saving…" labels and disabled buttons. */
  readonly busy: Job | null;
  readonly error: ResolverError | null;
  readonly notice: string | null;
  /** Clears the last error (and notice, see OnSuccess), runs `call`, and reports its refusal or failure; true when it succeeded. */
  readonly run: <T>(job: Job, call: () => Promise<ResolverResult<T>>, success?: OnSuccess<T>) => Promise<boolean>;
  /** For problems found before calling (a payload that is not JSON, a file with errors). */
  readonly setError: Dispatch<SetStateAction<ResolverError | null>>;
  /** Sets the success message and shows it as a flag (null clears it). */
  readonly setNotice: (notice: string | null) => void;
}

export function useResolverAction<Job extends string = string>(): ResolverAction<Job> {
  const [busy, setBusy] = useState<Job | null>(null);
  const [error, setError] = useState<ResolverError | null>(null);
  const [notice, setNoticeState] = useState<string | null>(null);
  const feedback = useFeedback();
  // Every success message is also shown as a flag: a write always gives visible feedback.
  const setNotice = useCallback(
    (next: string | null) => {
      setNoticeState(next);
      if (next) feedback.success(next);
    },
    [feedback],
  );
  const run = useCallback(async <T>(job: Job, call: () => Promise<ResolverResult<T>>, success: OnSuccess<T> = {}): Promise<boolean> => {
    setBusy(job);
    setError(null);
    if (success.notice !== undefined) setNotice(null);
    try {
      const result = await call();
      if (!result.ok) {
        setError(result.error);
        return false;
      }
      const { notice: done, then } = success;
      if (done !== undefined) setNotice(typeof done === 'function' ? done(result.value) : done);
      await then?.(result.value);
      return true;
    } catch (e) {
      setError(errorOf(e));
      return false;
    } finally {
      setBusy(null);
    }
  }, [setNotice]);
  return { busy, error, notice, run, setError, setNotice };
}
