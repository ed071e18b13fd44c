import { z } from 'zod';
import type { TransitionTarget } from '../domain/alerts';
import { StorageKeys, TRANSITIONS_TTL_SECONDS } from '../constants';
import type { KeyValueStore } from '../ports/key-value-store';
import type { AvailableTransition, JiraPort, JiraResult } from '../ports/jira';

/**
 * Finds the transition a rule names (by name or target status category) for one issue. Workflows rarely
 * change, so the list GET …/transitions returns is cached in KVS per project and from-status: a resolve or
 * reopen then costs only the POST. A cached id Jira refuses is dropped and looked up once more.
 */
export interface TransitionPlace {
  readonly projectKey: string;
  /** Status id, or `initial-<issue type>` for an issue the app created that has not moved since. */
  readonly fromStatus: string;
}

const cachedSchema = z.array(
  z.object({ id: z.string(), name: z.string(), to: z.object({ id: z.string(), name: z.string(), category: z.enum(['new', 'indeterminate', 'done', 'unknown']) }) }),
);

export function placeOf(issueKey: string, statusId: string | undefined, createdAsType: string | undefined): TransitionPlace | undefined {
  const projectKey = /^([A-Z][A-Z0-9_]*)-\d+$/.exec(issueKey)?.[1];
  if (!projectKey) return undefined;
  if (statusId) return { projectKey, fromStatus: statusId.replace(/[^A-Za-z0-9_-]/g, '_') };
  if (createdAsType) return { projectKey, fromStatus: `initial-${createdAsType.replace(/[^A-Za-z0-9_-]/g, '_')}` };
  return undefined;
}

export function pickTransition(transitions: readonly AvailableTransition[], target: TransitionTarget): AvailableTransition | undefined {
  switch (target.by) {
    case 'id':
      return transitions.find((t) => t.id === target.id) ?? { id: target.id, name: target.id, to: { id: '', name: '', category: 'unknown' } };
    case 'name': {
      const wanted = target.name.trim().toLowerCase();
      return transitions.find((t) => t.name.toLowerCase() === wanted) ?? transitions.find((t) => t.to.name.toLowerCase() === wanted);
    }
    case 'statusCategory': {
      const into = transitions.filter((t) => t.to.category === target.category);
      // A workflow may have several done statuses (Done, Won't Do, Duplicate…): resolving an alert means the
      // problem went away, never "won't do". The first (in the workflow's own order) whose status name is not
      // a rejection wins; only when every done status is one is the first of them taken. To use another, a rule
      // names it: `{ by: name, name: "Fixed" }` matches the transition or its target status by name.
      return target.category === 'done' ? (into.find((t) => !NOT_A_RESOLUTION.test(t.to.name)) ?? into[0]) : into[0];
    }
    default:
      return assertNever(target);
  }
}

/** Done-category status names that say the work was refused, not finished. */
export const NOT_A_RESOLUTION = /\b(won'?t\s*(do|fix)|duplicate[ds]?|cancel+(ed|led)?|reject(ed)?|declined?|invalid|obsolete|not\s+(a\s+bug|reproducible|needed))\b/i;

export type TransitionLookup = { readonly transition: AvailableTransition; readonly fromCache: boolean } | { readonly transition: undefined; readonly available: readonly AvailableTransition[] };

export async function lookUpTransition(
  deps: { readonly store: KeyValueStore; readonly jira: JiraPort },
  issueKey: string,
  place: TransitionPlace | undefined,
  target: TransitionTarget,
  options: { readonly bypassCache?: boolean } = {},
): Promise<JiraResult<TransitionLookup>> {
  if (target.by === 'id') return { ok: true, value: { transition: pickTransition([], target) as AvailableTransition, fromCache: true } };
  const cacheKey = place ? StorageKeys.transitions(place.projectKey, place.fromStatus) : undefined;
  if (cacheKey && !options.bypassCache) {
    const cached = cachedSchema.safeParse(await deps.store.get(cacheKey));
    const hit = cached.success ? pickTransition(cached.data, target) : undefined;
    if (hit) return { ok: true, value: { transition: hit, fromCache: true } };
  }
  const fresh = await deps.jira.getTransitions(issueKey);
  if (!fresh.ok) return fresh;
  if (cacheKey) await deps.store.set(cacheKey, fresh.value, { ttlSeconds: TRANSITIONS_TTL_SECONDS });
  const picked = pickTransition(fresh.value, target);
  return { ok: true, value: picked ? { transition: picked, fromCache: false } : { transition: undefined, available: fresh.value } };
}

export async function forgetTransitions(store: KeyValueStore, place: TransitionPlace | undefined): Promise<void> {
  if (place) await store.delete(StorageKeys.transitions(place.projectKey, place.fromStatus));
}

export function describeTarget(target: TransitionTarget): string {
  switch (target.by) {
    case 'id':
      return `transition id ${target.id}`;
    case 'name':
      return `transition "${target.name}"`;
    case 'statusCategory':
      return `a transition to a "${target.category}" status`;
    default:
      return assertNever(target);
  }
}

function assertNever(x: never): never {
  throw new Error(`unexpected transition target ${JSON.stringify(x)}`);
}
