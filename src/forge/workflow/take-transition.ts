import type { AvailableTransition, JiraResult } from '../ports/jira';
import type { JiraTransitionsPort } from '../ports/jira-workflow';
import type { KeyValueStore } from '../ports/key-value-store';
import { forgetOffered, readOffered, rememberOffered, type TransitionPlace } from './transition-cache';

/**
 * One workflow step chosen by the caller's domain (an alert rule names a transition, or a status category),
 * through the same cache and refusal handling as a planned move: the list is read from the cache, else
 * from Jira (and cached); a cached transition Jira refuses drops the cache and is looked up once more.
 */
export interface TransitionChoice {
  /** A transition the caller knows by id: taken without reading the workflow (its target is unknown). */
  readonly known?: AvailableTransition | undefined;
  readonly pick: (offered: readonly AvailableTransition[]) => AvailableTransition | undefined;
  /** For messages: "a transition to a "done" status". */
  readonly description: string;
}

export interface TransitionDeps {
  readonly store: KeyValueStore;
  readonly jira: JiraTransitionsPort;
}

type Lookup = { readonly transition: AvailableTransition; readonly fromCache: boolean } | { readonly transition: undefined; readonly available: readonly AvailableTransition[] };

/** Takes the chosen transition; answers it (with its target status, unless the choice was a bare id). */
export async function takeTransition(deps: TransitionDeps, issueKey: string, place: TransitionPlace | undefined, choice: TransitionChoice): Promise<JiraResult<AvailableTransition>> {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const lookup = await lookUp(deps, issueKey, place, choice, attempt > 0);
    if (!lookup.ok) return lookup;
    const found = lookup.value;
    if (found.transition === undefined) {
      const names = found.available.map((t) => `"${t.name}" → ${t.to.name}`).join(', ') || 'none';
      return { ok: false, failure: { kind: 'rejected', status: 400, jiraMessages: [`${issueKey} has no ${choice.description} from its current status (available: ${names})`] } };
    }
    const result = await deps.jira.transitionIssue(issueKey, found.transition.id);
    if (result.ok) return { ok: true, value: found.transition };
    // A cached id the workflow no longer offers from this status: drop the cache and look once more.
    if (!(result.failure.kind === 'rejected' && found.fromCache && !choice.known)) return result;
    await forgetOffered(deps.store, place);
  }
  return { ok: false, failure: { kind: 'rejected', status: 400, jiraMessages: [`${issueKey}: Jira refused ${choice.description}`] } };
}

async function lookUp(deps: TransitionDeps, issueKey: string, place: TransitionPlace | undefined, choice: TransitionChoice, bypassCache: boolean): Promise<JiraResult<Lookup>> {
  if (choice.known) return { ok: true, value: { transition: choice.known, fromCache: true } };
  if (place && !bypassCache) {
    const cached = await readOffered(deps.store, place);
    const hit = cached ? choice.pick(cached) : undefined;
    if (hit) return { ok: true, value: { transition: hit, fromCache: true } };
  }
  const fresh = await deps.jira.getTransitions(issueKey);
  if (!fresh.ok) return fresh;
  if (place) await rememberOffered(deps.store, place, fresh.value);
  const picked = choice.pick(fresh.value);
  return { ok: true, value: picked ? { transition: picked, fromCache: false } : { transition: undefined, available: fresh.value } };
}
