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
    case 'statusCategory':
      return transitions.find((t) => t.to.category === target.category);
    default:
      return assertNever(target);
  }
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
