import { useEffect, useMemo, useState } from 'react';
import type { IssueAlertGroup, ResolverError } from '../../../src/forge/entry/resolvers/contract';
import type { Bridge } from '../../shared/bridge';
import { createResolverClient, messageOf } from '../../shared/client';
import type { LocalBridge } from '../../shared/local-bridge';
import { ErrorMessage, LocalUserBar, Lozenge, formatTime } from '../../shared/ui';

type State = { readonly kind: 'loading' } | { readonly kind: 'error'; readonly error: ResolverError } | { readonly kind: 'loaded'; readonly group: IssueAlertGroup | null };

export function PanelApp({ bridge }: { bridge: Bridge }) {
  const client = useMemo(() => createResolverClient(bridge), [bridge]);
  const [generation, setGeneration] = useState(0);
  const [state, setState] = useState<State>({ kind: 'loading' });
  useEffect(() => {
    setState({ kind: 'loading' });
    client.call('getIssueAlertGroup').then(
      (result) => setState(result.ok ? { kind: 'loaded', group: result.value } : { kind: 'error', error: result.error }),
      (e: unknown) => setState({ kind: 'error', error: { code: 'jira-error', message: messageOf(e) } }),
    );
  }, [client, generation]);

  return (
    <>
      {bridge.local && <LocalUserBar bridge={bridge as LocalBridge} onChange={() => setGeneration((g) => g + 1)} />}
      <main className="panel">
        <h1 className="visually-hidden">Incident Bridge alerts</h1>
        {state.kind === 'loading' && <p className="subtle">Loading…</p>}
        {state.kind === 'error' && <ErrorMessage error={state.error} title="Cannot show the alerts" />}
        {state.kind === 'loaded' && state.group === null && <p className="subtle">This issue was not created from an Alertmanager alert.</p>}
        {state.kind === 'loaded' && state.group && <AlertGroup group={state.group} />}
      </main>
    </>
  );
}

function AlertGroup({ group }: { group: IssueAlertGroup }) {
  const firing = group.alerts.filter((a) => a.status === 'firing').length;
  const resolved = group.alerts.length - firing;
  return (
    <div data-testid="alert-group">
      <div className="row" style={{ marginBottom: 8 }}>
        {firing > 0 ? <Lozenge tone="removed">{firing} firing</Lozenge> : <Lozenge tone="success">all resolved</Lozenge>}
        {resolved > 0 && firing > 0 && <Lozenge tone="success">{resolved} resolved</Lozenge>}
        <span className="subtle">one issue per {group.grouping === 'group' ? 'Alertmanager group' : 'alert'} · rule <code>{group.ruleId}</code></span>
      </div>
      <dl className="facts">
        <dt>{group.grouping === 'group' ? 'Group' : 'Fingerprint'}</dt>
        <dd>
          <code>{group.identity}</code>
        </dd>
        <dt>First seen</dt>
        <dd>{formatTime(group.firstSeen)}</dd>
        <dt>Last change</dt>
        <dd>{formatTime(group.lastSeen)}</dd>
        {group.currentIssueKey && group.currentIssueKey !== group.issueKey && (
          <>
            <dt>Now tracked on</dt>
            <dd>{group.currentIssueKey}</dd>
          </>
        )}
        {group.previousIssueKeys.length > 0 && (
          <>
            <dt>Earlier issues</dt>
            <dd>{group.previousIssueKeys.join(', ')}</dd>
          </>
        )}
      </dl>
      <table aria-label="Alerts in this group">
        <thead>
          <tr>
            <th scope="col">Alert</th>
            <th scope="col">Status</th>
            <th scope="col">Started</th>
            <th scope="col">Ended</th>
          </tr>
        </thead>
        <tbody>
          {group.alerts.map((a) => (
            <tr key={a.fingerprint}>
              <td>
                <code>{a.fingerprint}</code>
              </td>
              <td>{a.status === 'firing' ? <Lozenge tone="removed">firing</Lozenge> : <Lozenge tone="success">resolved</Lozenge>}</td>
              <td>{formatTime(a.startsAt)}</td>
              <td>{formatTime(a.endsAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="field-help">Alert labels, Alertmanager and silence links are in the issue description the app wrote.</p>
    </div>
  );
}
