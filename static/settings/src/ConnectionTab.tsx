import { useEffect, useState } from 'react';
import type { ConnectionStatus } from '../../../src/forge/entry/resolvers/contract';
import { messageOf, type ResolverClient } from '../../shared/client';
import { ErrorMessage, Lozenge, formatTime } from '../../shared/ui';

export function ConnectionTab({ client }: { client: ResolverClient }) {
  const [status, setStatus] = useState<ConnectionStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    client.call('getConnectionStatus').then(setStatus, (e: unknown) => setError(messageOf(e)));
  }, [client]);
  if (error) return <ErrorMessage error={error} title="Could not load the connection" />;
  if (!status) return <p className="subtle">Loading…</p>;
  return (
    <div>
      <h2>Relay connection</h2>
      <p className="subtle">Point the relay's <code>WEBTRIGGER_URL</code> at this web trigger and give it a signing key the app knows.</p>
      <dl className="facts">
        <dt>Web trigger URL</dt>
        <dd>{status.webTriggerUrl ? <code data-testid="webtrigger-url">{status.webTriggerUrl}</code> : <Lozenge tone="removed">not available</Lozenge>}</dd>
        <dt>Signing keys</dt>
        <dd>
          {status.signingKeys.configured ? <Lozenge tone="success">set</Lozenge> : <Lozenge tone="removed">not set</Lozenge>}{' '}
          {status.signingKeys.keyIds.map((id) => (
            <code key={id} style={{ marginLeft: 4 }}>
              {id}
            </code>
          ))}
          <div className="field-help">Only key ids are shown; the secrets stay in Forge secret storage.</div>
        </dd>
        <dt>Scheduled project sync</dt>
        <dd>{formatTime(status.lastScheduledRun)}</dd>
      </dl>
      <h2>Last event per source</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Source</th>
            <th scope="col">Last received</th>
          </tr>
        </thead>
        <tbody>
          {(['alertmanager', 'impact', 'jira'] as const).map((source) => (
            <tr key={source}>
              <td>{source === 'alertmanager' ? 'Alertmanager' : source === 'impact' ? 'Impact' : 'Jira issue events'}</td>
              <td>{status.lastReceived[source] ? formatTime(status.lastReceived[source]) : <span className="subtle">never</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
