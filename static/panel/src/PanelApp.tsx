import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import type { IssueAlertGroup, IssueIncident, PostMortemIssue, ResolverError, ResolverResult } from '../../../src/forge/entry/resolvers/contract';
import type { Bridge } from '../../shared/bridge';
import { createResolverClient } from '../../shared/client';
import { errorOf } from '../../shared/resolver-hooks';
import type { LocalBridge } from '../../shared/local-bridge';
import { AccessProvider } from '../../shared/access';
import { FeedbackProvider } from '../../shared/feedback';
import { ErrorMessage, InfoMessage, Loading, LocalUserBar } from '../../shared/ui';
import { AlertGroupView } from './AlertGroupView';
import { IncidentView } from './IncidentView';
import { PostMortemView } from './PostMortemView';


/** Linking by hand pulls in Atlaskit Select: loaded only on an issue that is linked to nothing. */
const LinkIssueView = lazy(() => import('./LinkIssueView').then((m) => ({ default: m.LinkIssueView })));

/** What the issue is linked to: an alert problem (by its property), an Impact incident (by the sync's link), or it is an incident's post-mortem. */
type State =
  | { readonly kind: 'loading' }
  | { readonly kind: 'error'; readonly error: ResolverError }
  | { readonly kind: 'alert'; readonly group: IssueAlertGroup }
  | { readonly kind: 'incident'; readonly incident: IssueIncident }
  | { readonly kind: 'post-mortem'; readonly postMortem: PostMortemIssue }
  | { readonly kind: 'none' };

const failed = (e: unknown): ResolverResult<never> => ({ ok: false, error: errorOf(e) });

export function PanelApp({ bridge }: { bridge: Bridge }) {
  const client = useMemo(() => createResolverClient(bridge), [bridge]);
  const [generation, setGeneration] = useState(0);
  const [state, setState] = useState<State>({ kind: 'loading' });
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  /** What this page just unlinked the issue from: after an unlink the issue is no longer linked, but it was not "never linked". */
  const [unlinked, setUnlinked] = useState<string | null>(null);
  const afterUnlink = useCallback(
    (what: string) => {
      setUnlinked(what);
      reload();
    },
    [reload],
  );
  const [issueKey, setIssueKey] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    bridge.getContext().then(
      (context) => live && setIssueKey(context.extension.issue?.key ?? null),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [bridge]);
  /** A link made from this page: the "unlinked" note no longer applies. */
  const afterLink = useCallback(() => {
    setUnlinked(null);
    reload();
  }, [reload]);
  useEffect(() => {
    let live = true;
    setState({ kind: 'loading' });
    (async (): Promise<State> => {
      const alert = await client.call('getIssueAlertGroup').catch(failed);
      if (!alert.ok) return { kind: 'error', error: alert.error };
      if (alert.value) return { kind: 'alert', group: alert.value };
      const incident = await client.call('getIssueIncident').catch(failed);
      if (!incident.ok) return { kind: 'error', error: incident.error };
      const linked = incident.value;
      if (!linked) return { kind: 'none' };
      return linked.kind === 'incident' ? { kind: 'incident', incident: linked } : { kind: 'post-mortem', postMortem: linked };
    })().then((next) => live && setState(next));
    return () => {
      live = false;
    };
  }, [client, generation]);

  return (
    <FeedbackProvider>
      {bridge.local && <LocalUserBar bridge={bridge as LocalBridge} onChange={reload} />}
      <main className="panel" key={generation}>
        <AccessProvider client={client}>
        <h1 className="visually-hidden">Incident Bridge</h1>
        {state.kind === 'loading' && <Loading label="Loading what this issue is linked to" />}
        {state.kind === 'error' && <ErrorMessage error={state.error} title="Cannot show this issue's link" />}
        {state.kind === 'none' && (
          <>
            {unlinked ? (
              <InfoMessage title="Not linked any more">
                <p data-testid="unlinked">{unlinked} This issue keeps its history but receives no more updates; new alerts or incident changes open a new issue.</p>
              </InfoMessage>
            ) : (
              <p className="subtle" data-testid="not-linked">
                This issue is not linked to an Alertmanager alert group or an Impact incident.
              </p>
            )}
            <Suspense fallback={<Loading label="Loading the link form" />}>
              <LinkIssueView client={client} issueKey={issueKey} onLinked={afterLink} />
            </Suspense>
          </>
        )}
        {state.kind === 'alert' && <AlertGroupView bridge={bridge} client={client} group={state.group} onChanged={reload} onUnlinked={afterUnlink} />}
        {state.kind === 'incident' && <IncidentView bridge={bridge} client={client} incident={state.incident} onChanged={reload} onUnlinked={afterUnlink} />}
        {state.kind === 'post-mortem' && <PostMortemView bridge={bridge} postMortem={state.postMortem} />}
        </AccessProvider>
      </main>
    </FeedbackProvider>
  );
}
