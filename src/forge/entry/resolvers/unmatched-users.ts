import { loadUnmatchedUsers } from '../../incidents/users';
import type { KeyValueStore } from '../../ports/key-value-store';
import type { UnmatchedUserList } from './contract';

/** Impact commanders the incident sync could not pair with a Jira account, most recently checked first. */
export async function listUnmatchedUsers(deps: { readonly store: KeyValueStore }): Promise<UnmatchedUserList> {
  const users = await loadUnmatchedUsers(deps.store);
  return {
    items: users
      .sort((a, b) => b.checkedAt - a.checkedAt)
      .map((u) => ({ email: u.email, name: u.name, reason: u.reason, candidates: [...u.candidates], checkedAt: new Date(u.checkedAt).toISOString() })),
  };
}
