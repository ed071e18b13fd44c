import Button from '@atlaskit/button/new';
import { useId, useState } from 'react';
import type { ImpactConnectionStatus, ImpactTestResult } from '../../../../src/forge/entry/resolvers/contract';
import type { ResolverClient } from '../../../shared/client';
import { useResolverAction } from '../../../shared/resolver-hooks';
import { ActionMessages, Form, Lozenge, Time } from '../../../shared/ui';

const SOURCE_LABEL: Record<ImpactConnectionStatus['source'], string> = {
  'secret-storage': 'Forge secret storage',
  environment: 'the Forge variables IMPACT_API_URL / IMPACT_API_TOKEN',
  none: 'not configured',
};

const OUTCOME_TONE: Record<ImpactTestResult['outcome'], 'success' | 'removed' | 'moved'> = {
  ok: 'success',
  'token-refused': 'removed',
  unreachable: 'removed',
  unexpected: 'moved',
  'not-configured': 'moved',
};

/** Impact API URL and token: the token is write-only (empty keeps the stored one). */
export function ImpactSection({ client, impact, onChange }: { client: ResolverClient; impact: ImpactConnectionStatus; onChange: (s: ImpactConnectionStatus) => void }) {
  const uid = useId();
  const [baseUrl, setBaseUrl] = useState(impact.baseUrl ?? '');
  const [token, setToken] = useState('');
  const action = useResolverAction<'save' | 'test'>();
  const busy = action.busy !== null;
  const [test, setTest] = useState<ImpactTestResult | null>(null);

  const save = () =>
    action.run('save', () => client.call('saveImpactConnection', token ? { baseUrl, token } : { baseUrl }), {
      notice: 'Impact connection saved.',
      then: (saved) => {
        onChange(saved);
        setToken('');
      },
    });

  const runTest = () => {
    setTest(null);
    return action.run('test', () => client.call('testImpactConnection'), { then: setTest });
  };

  return (
    <section aria-labelledby={`${uid}-h`}>
      <h2 id={`${uid}-h`}>Impact API</h2>
      <dl className="facts">
        <dt>URL</dt>
        <dd data-testid="impact-url">{impact.baseUrl ? <code>{impact.baseUrl}</code> : <span className="subtle">not set</span>}</dd>
        <dt>Token</dt>
        <dd data-testid="impact-token">
          {impact.token === 'set' ? <Lozenge tone="success">set</Lozenge> : <Lozenge tone="removed">not set</Lozenge>}
          {impact.updatedAt && <span className="subtle"> updated <Time iso={impact.updatedAt} /></span>}
        </dd>
        <dt>From</dt>
        <dd>{SOURCE_LABEL[impact.source]}</dd>
      </dl>
      <Form className="card" label="Impact API connection" onSubmit={save}>
        <div className="field-grid">
          <div className="field">
            <label htmlFor={`${uid}-url`}>Impact API URL</label>
            <input id={`${uid}-url`} type="url" value={baseUrl} placeholder="https://acme.impact.example.com" spellCheck={false} onChange={(e) => setBaseUrl(e.target.value)} />
            <div className="field-help">https, on a host the app may reach (manifest.yml egress).</div>
          </div>
          <div className="field">
            <label htmlFor={`${uid}-token`}>New API token</label>
            <input id={`${uid}-token`} type="password" value={token} autoComplete="new-password" spellCheck={false} onChange={(e) => setToken(e.target.value)} />
            <div className="field-help">Leave empty to keep the stored token. It is never shown again.</div>
          </div>
        </div>
        <ActionMessages error={action.error} errorTitle="Impact connection" />
        <div className="row">
          <Button appearance="primary" type="submit" isDisabled={busy}>
            Save Impact connection
          </Button>
          <Button isDisabled={busy} onClick={() => void runTest()}>
            Test connection
          </Button>
        </div>
        {test && (
          <div className={`message ${test.outcome === 'ok' ? 'success' : 'error'}`} role="status" data-testid="impact-test">
            <Lozenge tone={OUTCOME_TONE[test.outcome]}>{test.outcome}</Lozenge> {test.message}
          </div>
        )}
      </Form>
    </section>
  );
}
