import type { ConnectionStatus } from '../../../../src/forge/entry/resolvers/contract';
import { Lozenge, TableHead, Time } from '../../../shared/ui';

const REASONS: Record<string, string> = {
  'missing-headers': 'the request had no signature headers',
  'bad-timestamp': 'the signature timestamp was not a number',
  'stale-timestamp': 'the signature was more than 5 minutes old or ahead (check the relay clock)',
  'unknown-key': 'signed with a key id the app does not know (retired, or never added)',
  'bad-signature': 'the signature did not match the key (wrong secret for that key id)',
};

/** Where the relay sends batches, and what the app last made of them. */
export function RelaySection({ status }: { status: ConnectionStatus }) {
  const { signing } = status;
  const rejected = signing.lastRejected;
  return (
    <section aria-labelledby="relay-heading">
      <h2 id="relay-heading">Relay</h2>
      <p className="subtle">
        Point the relay's <code>WEBTRIGGER_URL</code> at this web trigger and give it a signing key the app knows.
      </p>
      <dl className="facts">
        <dt>Web trigger URL</dt>
        <dd>{status.webTriggerUrl ? <code data-testid="webtrigger-url">{status.webTriggerUrl}</code> : <Lozenge tone="removed">not available</Lozenge>}</dd>
        <dt>Last accepted batch</dt>
        <dd data-testid="last-accepted">
          {signing.lastAcceptedAt ? (
            <>
              <Time iso={signing.lastAcceptedAt} />, signed with key <code>{signing.relayKeyId}</code>
            </>
          ) : (
            <span className="subtle">none since key ids were recorded</span>
          )}
        </dd>
        <dt>Last rejected batch</dt>
        <dd data-testid="last-rejected">
          {rejected ? (
            <>
              <Lozenge tone="removed">rejected</Lozenge> <Time iso={rejected.at} />: {REASONS[rejected.reason] ?? rejected.reason}
              {rejected.keyId && (
                <>
                  {' '}
                  (key id <code>{rejected.keyId}</code>)
                </>
              )}
            </>
          ) : (
            <span className="subtle">none</span>
          )}
        </dd>
        <dt>Scheduled project sync</dt>
        <dd><Time iso={status.lastScheduledRun} /></dd>
      </dl>
      <h3>Last event per source</h3>
      <table aria-label="Last event per source">
        <TableHead columns={['Source', 'Last received']} />
        <tbody>
          {(['alertmanager', 'impact', 'jira'] as const).map((source) => (
            <tr key={source}>
              <td>{source === 'alertmanager' ? 'Alertmanager' : source === 'impact' ? 'Impact' : 'Jira issue events'}</td>
              <td>{status.lastReceived[source] ? <Time iso={status.lastReceived[source]} /> : <span className="subtle">never</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
