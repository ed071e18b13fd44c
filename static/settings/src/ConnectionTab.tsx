import type { ResolverClient } from '../../shared/client';
import { Editable } from '../../shared/access';
import { okResult, useResolverQuery } from '../../shared/resolver-hooks';
import { Loading, ErrorMessage } from '../../shared/ui';
import { ImpactSection } from './connection/ImpactSection';
import { RelaySection } from './connection/RelaySection';
import { SigningKeysSection } from './connection/SigningKeysSection';

/** Relay web trigger, signing keys (rotate and retire) and the Impact API connection. No secret is ever loaded. */
export function ConnectionTab({ client }: { client: ResolverClient }) {
  const { value: status, error, setValue: setStatus } = useResolverQuery(async () => okResult(await client.call('getConnectionStatus')), [client]);
  if (error) return <ErrorMessage error={error} title="Could not load the connection" />;
  if (!status) return <Loading label="Loading the connection" />;
  return (
    <div>
      <RelaySection status={status} />
      <Editable>
        <SigningKeysSection client={client} signing={status.signing} onChange={(signing) => setStatus((s) => (s ? { ...s, signing } : s))} />
        <ImpactSection client={client} impact={status.impact} onChange={(impact) => setStatus((s) => (s ? { ...s, impact } : s))} />
      </Editable>
    </div>
  );
}
