import type { IncidentRoutingView } from '../../../src/forge/entry/resolvers/contract';
import type { ResolverClient } from '../../shared/client';
import { useFeedback } from '../../shared/feedback';
import { useResolverAction } from '../../shared/resolver-hooks';
import { ActionMessages, Lozenge } from '../../shared/ui';

/**
 * The incident sync's on/off switch. Either way a modal states the consequence first: off, Impact events are
 * acknowledged and logged as skipped and Jira changes are not pushed; on again, only new events apply.
 */
export function IncidentSyncSwitch({ client, routing, canChange, onChange }: { client: ResolverClient; routing: IncidentRoutingView; canChange: boolean; onChange: (routing: IncidentRoutingView) => void }) {
  const feedback = useFeedback();
  const action = useResolverAction<'switch'>();
  const flip = async () => {
    const enabled = !routing.enabled;
    const ok = await feedback.confirm(
      enabled
        ? {
            title: 'Turn the incident sync on?',
            body: 'New Impact events and Jira changes are synced again from now on. Events that came while it was off stay skipped (see the Delivery log); use Resync on an incident issue to bring it up to date.',
            confirmLabel: 'Turn on',
          }
        : {
            title: 'Turn the incident sync off?',
            body: 'Impact events are still received, but only logged as skipped ("incident sync is off") in the Delivery log: no Jira issue is created or changed. Jira changes of incident issues are not sent to Impact. Turning it on again does not replay what was skipped.',
            confirmLabel: 'Turn off',
          },
    );
    if (!ok) return;
    await action.run('switch', () => client.call('setIncidentSyncEnabled', { enabled }), { notice: enabled ? 'Incident sync turned on.' : 'Incident sync turned off.', then: onChange });
  };
  return (
    <section aria-label="Incident sync switch">
      <label className="checkbox">
        <input type="checkbox" role="switch" aria-label="Incident sync" checked={routing.enabled} disabled={!canChange || action.busy !== null} onChange={() => void flip()} />
        Incident sync <Lozenge tone={routing.enabled ? 'success' : 'removed'}>{routing.enabled ? 'on' : 'off'}</Lozenge>
      </label>
      {!canChange && <p className="field-help">Switching it needs the Administer Jira permission.</p>}
      <ActionMessages error={action.error} errorTitle="The switch was not changed" />
    </section>
  );
}
