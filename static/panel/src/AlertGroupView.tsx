import { Fragment, useState } from 'react';
import { LinkButton } from '@atlaskit/button/new';
import type { IssueAlertGroup } from '../../../src/forge/entry/resolvers/contract';
import type { Bridge } from '../../shared/bridge';
import type { ResolverClient } from '../../shared/client';
import { IssueLink } from '../../shared/IssueLink';
import { useResolverAction } from '../../shared/resolver-hooks';
import { Lozenge, TableHead, Time } from '../../shared/ui';
import { IssueActions, type IssueJob } from './IssueActions';

/** The alert problem behind an issue, with Alertmanager links and the resync / unlink actions. */
export function AlertGroupView({ bridge, client, group: initial, onChanged, onUnlinked }: { bridge: Bridge; client: ResolverClient; group: IssueAlertGroup; onChanged: () => void; onUnlinked: (what: string) => void }) {
  const [group, setGroup] = useState(initial);
  const action = useResolverAction<IssueJob>();
  const firing = group.alerts.filter((a) => a.status === 'firing').length;
  const resolved = group.alerts.length - firing;

  const resync = () =>
    action.run('resync', () => client.call('resyncIssueAlertGroup'), {
      notice: (next) => (next ? `Resynced: Jira status category is ${next.statusCategory ?? 'unknown'}.` : null),
      then: (next) => (next ? setGroup(next) : onChanged()),
    });

  return (
    <div data-testid="alert-group">
      <div className="row" style={{ marginBottom: 8 }}>
        {firing > 0 ? <Lozenge tone="removed">{firing} firing</Lozenge> : <Lozenge tone="success">all resolved</Lozenge>}
        {resolved > 0 && firing > 0 && <Lozenge tone="success">{resolved} resolved</Lozenge>}
        <span className="subtle">
          one issue per {group.grouping === 'group' ? 'Alertmanager group' : 'alert'} · rule <code>{group.ruleId}</code>
        </span>
      </div>
      <IssueActions
        action={action}
        leading={
          <>
            {group.alertmanagerUrl && (
              <LinkButton href={group.alertmanagerUrl} target="_blank" rel="noreferrer">
                Open in Alertmanager
              </LinkButton>
            )}
            {group.silenceUrl && (
              <LinkButton href={group.silenceUrl} target="_blank" rel="noreferrer">
                Silence {group.grouping === 'group' ? 'group' : 'alert'}
              </LinkButton>
            )}
          </>
        }
        question={`Unlink ${group.issueKey}?`}
        consequence={
          <p>
            The app forgets this issue: it gets no more comments or transitions from Alertmanager, and the next alert of this {group.grouping === 'group' ? 'group' : 'fingerprint'} opens a
            new issue. The issue itself stays as it is.
          </p>
        }
        onResync={resync}
        unlink={() => client.call('unlinkIssueAlertGroup')}
        onUnlinked={() => onUnlinked(`Unlinked from the alert ${group.grouping === 'group' ? 'group' : 'fingerprint'} of rule ${group.ruleId}.`)}
      />
      <dl className="facts">
        <dt>{group.grouping === 'group' ? 'Group' : 'Fingerprint'}</dt>
        <dd>
          <code>{group.identity}</code>
        </dd>
        <dt>First seen</dt>
        <dd><Time iso={group.firstSeen} /></dd>
        <dt>Last change</dt>
        <dd><Time iso={group.lastSeen} /></dd>
        {group.currentIssueKey && group.currentIssueKey !== group.issueKey && (
          <>
            <dt>Now tracked on</dt>
            <dd>
              <IssueLink bridge={bridge} issueKey={group.currentIssueKey} />
            </dd>
          </>
        )}
        {group.previousIssueKeys.length > 0 && (
          <>
            <dt>Earlier issues</dt>
            <dd>
              {group.previousIssueKeys.map((key, i) => (
                <Fragment key={key}>
                  {i > 0 && ', '}
                  <IssueLink bridge={bridge} issueKey={key} />
                </Fragment>
              ))}
            </dd>
          </>
        )}
      </dl>
      <table aria-label="Alerts in this group">
        <TableHead columns={['Alert', 'Status', 'Started', 'Ended', 'Links']} />
        <tbody>
          {group.alerts.map((a) => (
            <tr key={a.fingerprint}>
              <td>
                {a.name && <div>{a.name}</div>}
                <code>{a.fingerprint}</code>
              </td>
              <td>{a.status === 'firing' ? <Lozenge tone="removed">firing</Lozenge> : <Lozenge tone="success">resolved</Lozenge>}</td>
              <td><Time iso={a.startsAt} /></td>
              <td><Time iso={a.endsAt} /></td>
              <td className="actions">
                {a.generatorUrl && (
                  <a href={a.generatorUrl} target="_blank" rel="noreferrer" aria-label={`Source of ${a.name ?? a.fingerprint}`}>
                    Source
                  </a>
                )}
                {a.generatorUrl && a.silenceUrl && ' · '}
                {a.silenceUrl && (
                  <a href={a.silenceUrl} target="_blank" rel="noreferrer" aria-label={`Silence ${a.name ?? a.fingerprint}`}>
                    Silence
                  </a>
                )}
                {!a.generatorUrl && !a.silenceUrl && <span className="subtle">—</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
