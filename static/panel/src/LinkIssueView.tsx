import { useId, useState } from 'react';
import Button from '@atlaskit/button/new';
import Select from '@atlaskit/select';
import Textfield from '@atlaskit/textfield';
import type { AlertGroupHit, AlertGroupSearch, AlertLinkRequest, ResolverResult } from '../../../src/forge/entry/resolvers/contract';
import type { ResolverClient } from '../../shared/client';
import { useReadOnlyReason } from '../../shared/access';
import { useFeedback } from '../../shared/feedback';
import { useResolverAction } from '../../shared/resolver-hooks';
import { ActionMessages, Form } from '../../shared/ui';

type LinkJob = 'search' | 'link-alert' | 'link-incident';

interface GroupOption {
  readonly value: string;
  readonly label: string;
  readonly hit: AlertGroupHit;
}

/** "checkout · alertname=HighErrorRate, cluster=prod-eu · 2 firing · was OPS-4 (done)". */
function describeHit(hit: AlertGroupHit): string {
  const labels = Object.entries(hit.groupLabels)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  const what = hit.grouping === 'group' ? labels || '(no group labels)' : `${hit.alertNames.join(', ') || 'alert'} (one alert)`;
  const issue = hit.issueKey ? (hit.issueDone ? ` · was ${hit.issueKey} (done)` : ` · on ${hit.issueKey}`) : '';
  return `${hit.ruleId ?? 'rule unknown'} · ${what} · ${hit.firing} firing${issue}`;
}

const POLL_MS = 400;
const POLL_LIMIT_MS = 30_000;
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The group's queue lane stores the link: ask until the request has ended. */
async function untilLinked(client: ResolverClient, requestId: string): Promise<ResolverResult<AlertLinkRequest>> {
  const deadline = Date.now() + POLL_LIMIT_MS;
  while (Date.now() < deadline) {
    const status = await client.call('getIssueAlertLink', { requestId });
    if (!status.ok) return status;
    const request = status.value;
    if (!request) return { ok: false, error: { code: 'conflict', message: 'the issue was unlinked, or linked again, before this link was stored' } };
    if (request.outcome === 'linked') return { ok: true, value: request };
    if (request.outcome === 'refused') return { ok: false, error: { code: 'conflict', message: request.detail ?? 'the link was refused' } };
    await wait(POLL_MS);
  }
  return { ok: false, error: { code: 'jira-error', message: 'the link is still queued behind the group\'s notifications; open the panel again in a minute' } };
}

/**
 * Link by hand (issue 16, row 37): an issue linked to nothing can be linked, by a project admin, to an open
 * alert group (searched by rule or labels) or to an Impact incident (by id). Each link is confirmed in a modal
 * that says what will happen; the server checks the permission and refuses in words.
 */
export function LinkIssueView({ client, issueKey, onLinked }: { client: ResolverClient; issueKey: string | null; onLinked: () => void }) {
  const readOnly = useReadOnlyReason();
  const feedback = useFeedback();
  const action = useResolverAction<LinkJob>();
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<AlertGroupSearch | null>(null);
  const [chosen, setChosen] = useState<GroupOption | null>(null);
  const [incidentId, setIncidentId] = useState('');
  const ids = { query: useId(), group: useId(), incident: useId() };
  const issue = issueKey ?? 'this issue';

  if (readOnly) {
    return (
      <p className="field-help" data-testid="link-read-only">
        A project admin can link {issue} to an open alert group or an Impact incident; you cannot: {readOnly}.
      </p>
    );
  }

  const options: GroupOption[] = (found?.hits ?? []).map((hit) => ({ value: hit.problemKey, label: describeHit(hit), hit }));
  const search = () =>
    action.run('search', () => client.call('searchAlertGroups', { query }), {
      notice: null,
      then: (result) => {
        setFound(result);
        setChosen(null);
      },
    });

  const linkAlert = async () => {
    if (!chosen) return;
    const ok = await feedback.confirm({
      title: `Link ${issue} to this alert group?`,
      body: (
        <p>
          The next notification of <strong>{chosen.label}</strong> comments on {issue}
          {chosen.hit.ruleId ? ', and when every alert resolves the rule may close it' : ''}. No new issue is opened for the group while they are linked.
        </p>
      ),
      confirmLabel: 'Link issue',
    });
    if (!ok) return;
    const problemKey = chosen.value;
    const linkAndWait = async (): Promise<ResolverResult<unknown>> => {
      const asked = await client.call('linkIssueAlertGroup', { problemKey });
      return !asked.ok || asked.value.outcome === 'linked' ? asked : untilLinked(client, asked.value.requestId);
    };
    await action.run('link-alert', linkAndWait, { notice: `Linked to the alert group of rule ${chosen.hit.ruleId ?? 'unknown'}.`, then: onLinked });
  };

  const linkIncident = async () => {
    const id = incidentId.trim();
    if (!id) {
      action.setError({ code: 'invalid-input', message: 'enter the Impact incident id, e.g. INC-123' });
      return;
    }
    const ok = await feedback.confirm({
      title: `Link ${issue} to Impact incident ${id}?`,
      body: <p>The incident sync writes {issue} from now on (status, priority, commander, title), and its changes go back to Impact.</p>,
      confirmLabel: 'Link issue',
    });
    if (ok) await action.run('link-incident', () => client.call('linkIssueIncident', { incidentId: id }), { notice: (v) => `Linked to Impact incident ${v.incidentId}: ${v.title}.`, then: onLinked });
  };

  const busy = action.busy !== null;
  return (
    <section className="stack link-issue" data-testid="link-issue" aria-label="Link this issue">
      <Form onSubmit={search} label="Search open alert groups">
        <h2 className="panel-heading">Link to an open alert group</h2>
        <label htmlFor={ids.query}>Rule or labels</label>
        <div className="link-row">
          <Textfield id={ids.query} value={query} onChange={(e) => setQuery(e.currentTarget.value)} placeholder="e.g. checkout cluster=prod-eu" isCompact />
          <Button type="submit" isDisabled={busy}>
            {action.busy === 'search' ? 'Searching…' : 'Search'}
          </Button>
        </div>
        {found && (
          <>
            <label htmlFor={ids.group}>Alert group</label>
            <Select<GroupOption>
              inputId={ids.group}
              options={options}
              value={chosen}
              onChange={(option) => setChosen(option)}
              isOptionDisabled={(o) => o.hit.issueKey !== null && !o.hit.issueDone}
              placeholder={options.length === 0 ? 'No open alert group matches' : 'Choose a group'}
              noOptionsMessage={() => 'No open alert group matches'}
              menuPlacement="auto"
              spacing="compact"
            />
            <p className="field-help">
              {options.length} open group{options.length === 1 ? '' : 's'}
              {found.truncated ? ' (more match: narrow the search)' : ''}. Groups with an open issue cannot take another.
            </p>
            <Button appearance="primary" onClick={() => void linkAlert()} isDisabled={busy || chosen === null}>
              {action.busy === 'link-alert' ? 'Linking…' : 'Link to alert group'}
            </Button>
          </>
        )}
      </Form>
      <Form onSubmit={linkIncident} label="Link to an Impact incident">
        <h2 className="panel-heading">Link to an Impact incident</h2>
        <label htmlFor={ids.incident}>Impact incident id</label>
        <div className="link-row">
          <Textfield id={ids.incident} value={incidentId} onChange={(e) => setIncidentId(e.currentTarget.value)} placeholder="e.g. INC-123" isCompact />
          <Button type="submit" appearance="primary" isDisabled={busy}>
            {action.busy === 'link-incident' ? 'Linking…' : 'Link to incident'}
          </Button>
        </div>
      </Form>
      <ActionMessages error={action.error} errorTitle="Cannot link this issue" />
    </section>
  );
}
