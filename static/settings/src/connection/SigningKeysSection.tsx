import Button from '@atlaskit/button/new';
import { useId, useState } from 'react';
import type { ResolverResult, SigningStatus } from '../../../../src/forge/entry/resolvers/contract';
import type { ResolverClient } from '../../../shared/client';
import { useResolverAction } from '../../../shared/resolver-hooks';
import { useFeedback } from '../../../shared/feedback';
import { ErrorMessage, Form, Lozenge, TableHead, Time } from '../../../shared/ui';
import { generateSigningSecret, relayEnvLine, suggestKeyId } from './secret';

const SOURCE_LABEL: Record<SigningStatus['source'], string> = {
  'secret-storage': 'Forge secret storage',
  'forge-variable': 'the encrypted Forge variable RELAY_SIGNING_KEYS (a rotation moves them to secret storage)',
  none: 'nowhere: no key is configured, so the app refuses every batch',
};

/** Key table with Retire buttons, and the Rotate form (the secret is generated and shown only in this browser). */
export function SigningKeysSection({ client, signing, onChange }: { client: ResolverClient; signing: SigningStatus; onChange: (s: SigningStatus) => void }) {
  const uid = useId();
  const ids = signing.keys.map((k) => k.id);
  const [keyId, setKeyId] = useState(() => suggestKeyId(Date.now(), ids));
  const [secret, setSecret] = useState('');
  const [shown, setShown] = useState(false);
  const action = useResolverAction<'rotate' | 'retire'>();
  const busy = action.busy !== null;
  const { error } = action;
  const [rotated, setRotated] = useState<{ keyId: string; line: string } | null>(null);
  const feedback = useFeedback();

  const run = (job: 'rotate' | 'retire', call: () => Promise<ResolverResult<SigningStatus>>, done: (s: SigningStatus) => void) =>
    action.run(job, call, {
      then: (s) => {
        onChange(s);
        done(s);
      },
    });

  const rotate = () =>
    run(
      'rotate',
      () => client.call('rotateSigningKey', { keyId, secret }),
      (s) => {
        // The line keeps the secret only on this page; the server never sends it back.
        setRotated({ keyId, line: relayEnvLine(keyId, secret, ids) });
        feedback.success(`Key ${keyId} added`, 'Batches signed with it are accepted from now on.');
        setSecret('');
        setShown(false);
        setKeyId(suggestKeyId(Date.now(), s.keys.map((k) => k.id)));
      },
    );
  const retire = async (id: string) => {
    const confirmed = await feedback.confirm({
      title: `Retire key ${id}?`,
      body: (
        <p>
          The app will refuse every batch signed with <code>{id}</code> from now on. A relay still signing with it stops delivering alerts and incidents until it
          signs with another key listed here.
        </p>
      ),
      confirmLabel: 'Retire key',
    });
    if (!confirmed) return;
    await run(
      'retire',
      () => client.call('retireSigningKey', { keyId: id }),
      () => {
        feedback.success(`Key ${id} retired`, 'Batches signed with it are now refused.');
        setRotated(null);
      },
    );
  };

  return (
    <section aria-labelledby={`${uid}-h`}>
      <h2 id={`${uid}-h`}>Signing keys</h2>
      <p className="subtle">
        The relay signs every batch with its first key; the app accepts any key listed here, by id. Keys come from {SOURCE_LABEL[signing.source]}. Last rotated:{' '}
        <span data-testid="last-rotated">
          <Time iso={signing.lastRotatedAt} />
        </span>.
      </p>
      <table aria-label="Signing keys">
        <TableHead columns={['Key id', 'Added', 'Last used by the relay']} hiddenActions />
        <tbody>
          {signing.keys.map((k) => (
            <tr key={k.id} data-key-id={k.id}>
              <td>
                <code>{k.id}</code> {k.inUseByRelay && <Lozenge tone="success">in use by the relay</Lozenge>}
              </td>
              <td>{k.addedAt ? <Time iso={k.addedAt} /> : <span className="subtle">before rotation</span>}</td>
              <td>{k.lastUsedAt ? <Time iso={k.lastUsedAt} /> : <span className="subtle">not recently</span>}</td>
              <td className="actions">
                <Button appearance="subtle" spacing="compact" isDisabled={busy} aria-label={`Retire key ${k.id}`} onClick={() => void retire(k.id)}>
                  Retire
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <h3>Rotate</h3>
      <Form className="card" label="Rotate the signing key" onSubmit={rotate}>
        <div className="field-grid">
          <div className="field">
            <label htmlFor={`${uid}-kid`}>New key id</label>
            <input id={`${uid}-kid`} type="text" value={keyId} autoComplete="off" spellCheck={false} onChange={(e) => setKeyId(e.target.value)} />
            <div className="field-help">Letters, digits, ".", "_" or "-"; not an id already listed.</div>
          </div>
          <div className="field">
            <label htmlFor={`${uid}-secret`}>New secret</label>
            <div className="row">
              <input id={`${uid}-secret`} type={shown ? 'text' : 'password'} value={secret} autoComplete="new-password" spellCheck={false} onChange={(e) => setSecret(e.target.value)} />
              <Button onClick={() => setSecret(generateSigningSecret())}>
                Generate
              </Button>
              <Button appearance="subtle" aria-pressed={shown} onClick={() => setShown((v) => !v)}>
                {shown ? 'Hide' : 'Show'}
              </Button>
            </div>
            <div className="field-help">32–256 printable characters without "," or spaces. Generate makes 32 random bytes in this browser.</div>
          </div>
        </div>
        {secret && (
          <div className="field">
            <label htmlFor={`${uid}-line`}>Relay setting to copy</label>
            <input id={`${uid}-line`} type={shown ? 'text' : 'password'} readOnly value={relayEnvLine(keyId, secret, ids)} onFocus={(e) => e.target.select()} />
            <div className="field-help">Keep your relay's existing entries after the new one; only the first signs.</div>
          </div>
        )}
        {error && <ErrorMessage error={error} title="The keys were not changed" />}
        <Button appearance="primary" type="submit" isDisabled={busy || !secret || !keyId}>
          {busy ? 'Saving…' : 'Add key'}
        </Button>
      </Form>
      {rotated && (
        <div className="message success" role="status" data-testid="rotated">
          <p>
            Key <code>{rotated.keyId}</code> added and accepted from now on. Next steps:
          </p>
          <ol>
            <li>
              Set the relay's <code>RELAY_SIGNING_KEYS</code> so <code>{rotated.keyId}</code> comes first (copy below; this page will not show the secret again).
            </li>
            <li>Restart the relay.</li>
            <li>Once the table shows {rotated.keyId} in use by the relay, retire the old key.</li>
          </ol>
          <label htmlFor={`${uid}-copy`}>Relay setting</label>
          <input id={`${uid}-copy`} type="password" readOnly value={rotated.line} onFocus={(e) => e.target.select()} />
          <Button onClick={() => void navigator.clipboard?.writeText(rotated.line)}>
            Copy
          </Button>
        </div>
      )}
    </section>
  );
}
