/**
 * Who writes a note or a follow-up: a person in Impact's UI, or an API client (with the origin marker of
 * its write). The webhook's `origin` and the edit rights follow from it.
 */
import type { ImpactOrigin, ImpactUser } from '../../shared/impact';
import type { AdminActor } from './admin-schemas';
import { DEFAULT_ADMIN_USER } from './admin-schemas';

export type Writer =
  | { readonly kind: 'person'; readonly user: ImpactUser }
  | { readonly kind: 'api'; readonly client: string; readonly marker: string }
  | { readonly kind: 'system' };

export function originOfWriter(writer: Writer): ImpactOrigin {
  switch (writer.kind) {
    case 'person':
      return { type: 'user', user: { email: writer.user.email, name: writer.user.name }, marker: null };
    case 'api':
      return { type: 'api', client: writer.client, marker: writer.marker };
    case 'system':
      return { type: 'system', marker: null };
  }
}

/** An admin body's `actor` (default: the simulator's admin user) as a writer. */
export function writerOfActor(actor: AdminActor | undefined): Writer {
  const who = actor ?? DEFAULT_ADMIN_USER;
  return who === 'system' ? { kind: 'system' } : { kind: 'person', user: { email: who.email, name: who.name } };
}

/** Same person (emails compare case-insensitively, as Impact's user key does). */
export const samePerson = (a: ImpactUser | null, b: ImpactUser): boolean => a !== null && a.email.toLowerCase() === b.email.toLowerCase();
