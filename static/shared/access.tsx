/**
 * Who may change what a page shows. Asked once when the page opens (getMyAccess, the same check every write
 * makes), so a person without the permission sees read-only forms saying why instead of learning it at Save.
 * Until the answer arrives the forms stay editable: each write checks for itself anyway.
 */
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import SectionMessage from '@atlaskit/section-message';
import type { ViewerAccess } from '../../src/forge/entry/resolvers/contract';
import type { ResolverClient } from './client';

const AccessContext = createContext<ViewerAccess | null>(null);

export function AccessProvider({ client, children }: { client: ResolverClient; children: ReactNode }) {
  const [access, setAccess] = useState<ViewerAccess | null>(null);
  useEffect(() => {
    let live = true;
    client.call('getMyAccess').then(
      (a) => live && setAccess(a),
      () => undefined, // unknown: the forms stay editable and each write answers for itself
    );
    return () => {
      live = false;
    };
  }, [client]);
  return <AccessContext.Provider value={access}>{children}</AccessContext.Provider>;
}

/** null while unknown or allowed; the reason when the caller may not change things. */
export function useReadOnlyReason(): string | null {
  const access = useContext(AccessContext);
  return access && !access.canAdminister ? access.reason : null;
}

/** Controls that change something: disabled together (a native disabled fieldset) for a read-only viewer. */
export function Editable({ children, label }: { children: ReactNode; label?: string }) {
  const reason = useReadOnlyReason();
  return (
    <fieldset className="editable" disabled={reason !== null} aria-label={label}>
      {children}
    </fieldset>
  );
}

/** The page-level notice for a read-only viewer: what they can do and why they cannot change things. */
export function ReadOnlyNotice({ what }: { what: string }) {
  const reason = useReadOnlyReason();
  if (!reason) return null;
  return (
    <div className="message-slot" data-testid="read-only">
      <SectionMessage appearance="warning" title="Read only">
        <p>
          You can see {what}, but not change it: {reason}.
        </p>
      </SectionMessage>
    </div>
  );
}
