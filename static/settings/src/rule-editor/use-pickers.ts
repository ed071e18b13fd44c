/** The rule editor's Jira data (resolvers listJiraProjects and getRuleTargetOptions, read as the signed-in user). */
import { useEffect, useState } from 'react';
import type { PickerProjects, ResolverError, RuleTargetOptions } from '../../../../src/forge/entry/resolvers/contract';
import type { ResolverClient } from '../../../shared/client';
import { errorOf } from '../../../shared/resolver-hooks';

export interface Loaded<T> {
  readonly value: T | null;
  readonly loading: boolean;
  readonly error: ResolverError | null;
}

/** Projects whose key or name contains `query` (typed in the picker), at most 50; the query is debounced. */
export function useProjects(client: ResolverClient, query: string): Loaded<PickerProjects> {
  const [state, setState] = useState<Loaded<PickerProjects>>({ value: null, loading: true, error: null });
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    const timer = setTimeout(() => {
      client
        .call('listJiraProjects', query.trim() === '' ? {} : { query: query.trim() })
        .then((r) => live && setState(r.ok ? { value: r.value, loading: false, error: null } : { value: null, loading: false, error: r.error }))
        .catch((e: unknown) => live && setState({ value: null, loading: false, error: errorOf(e) }));
    }, query === '' ? 0 : 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [client, query]);
  return state;
}

const PROJECT_KEY = /^[A-Z][A-Z0-9_]{1,254}$/;

/** What Jira accepts in the chosen project (and issue type); nothing is asked until the key is well-formed. */
export function useTargetOptions(client: ResolverClient, projectKey: string, issueType: string): Loaded<RuleTargetOptions> {
  const [state, setState] = useState<Loaded<RuleTargetOptions>>({ value: null, loading: false, error: null });
  useEffect(() => {
    if (!PROJECT_KEY.test(projectKey)) {
      setState({ value: null, loading: false, error: null });
      return;
    }
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    const type = issueType.trim();
    client
      .call('getRuleTargetOptions', type === '' ? { projectKey } : { projectKey, issueType: type })
      .then((r) => live && setState(r.ok ? { value: r.value, loading: false, error: null } : { value: null, loading: false, error: r.error }))
      .catch((e: unknown) => live && setState({ value: null, loading: false, error: errorOf(e) }));
    return () => {
      live = false;
    };
  }, [client, projectKey, issueType]);
  return state;
}
