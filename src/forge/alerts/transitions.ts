import type { TransitionTarget } from '../domain/alerts';
import type { AvailableTransition } from '../ports/jira';
import type { TransitionChoice } from '../workflow';

/**
 * The alert side's choice of a transition: the one a rule names (by id, by name, or by the category of
 * its target status). The workflow engine (src/forge/workflow) looks it up, caches and takes it.
 */
export function transitionChoice(target: TransitionTarget): TransitionChoice {
  return {
    known: target.by === 'id' ? pickTransition([], target) : undefined,
    pick: (offered) => pickTransition(offered, target),
    description: describeTarget(target),
  };
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
