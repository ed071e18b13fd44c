import Button from '@atlaskit/button/new';
import { useId, useMemo, useState } from 'react';
import { renderPostMortem } from '../../../src/forge/domain/incidents/post-mortem';
import { DEFAULT_POST_MORTEM_CONFIG, PLACEHOLDERS, checkPostMortemConfig, inDescription, type PostMortemConfig } from '../../../src/forge/domain/incidents/post-mortem-template';
import type { PostMortemTemplates } from '../../../src/forge/entry/resolvers/contract';
import { AdfView } from '../../shared/adf';
import { Editable } from '../../shared/access';
import type { ResolverClient } from '../../shared/client';
import { useFeedback } from '../../shared/feedback';
import { useResolverAction, useResolverQuery } from '../../shared/resolver-hooks';
import { Loading, ActionMessages, ErrorMessage, Form } from '../../shared/ui';
import { SAMPLE_INCIDENT } from './sample-incident';

/** Renders exactly what the consumer would, in the browser: the domain renderer is pure. */
function previewOf(templates: PostMortemTemplates) {
  const config: PostMortemConfig = inDescription({ ...DEFAULT_POST_MORTEM_CONFIG, summary: templates.summary, sections: templates.sections.map((s) => ({ ...s, target: { kind: 'description' } })) });
  return { problems: checkPostMortemConfig(config), render: renderPostMortem(config, { incident: SAMPLE_INCIDENT, incidentIssueKey: 'OPS-42' }) };
}

/** Edit the post-mortem summary and sections, with a live preview against a sample incident. */
export function PostMortemTab({ client }: { client: ResolverClient }) {
  const uid = useId();
  const { value: templates, error, setValue: setTemplates } = useResolverQuery(() => client.call('getPostMortemTemplates'), [client]);
  const action = useResolverAction<'save'>();
  const [newKey, setNewKey] = useState('');
  const feedback = useFeedback();
  const preview = useMemo(() => (templates ? previewOf(templates) : null), [templates]);
  if (!templates || !preview) return error ? <ErrorMessage error={error} title="Could not load the templates" /> : <Loading label="Loading the templates" />;

  const edit = (change: (t: PostMortemTemplates) => PostMortemTemplates) => {
    action.setNotice(null);
    setTemplates((t) => (t ? change(t) : t));
  };
  const editSection = (index: number, patch: Partial<{ heading: string; body: string }>) =>
    edit((t) => ({ ...t, sections: t.sections.map((s, i) => (i === index ? { ...s, ...patch } : s)) }));
  const problemsOf = (section: string) => preview.problems.filter((p) => p.section === section);
  const save = () => action.run('save', () => client.call('savePostMortemTemplates', { templates }), { notice: 'Templates saved.', then: setTemplates });
  const keyOk = /^[a-z][a-z0-9_]{0,63}$/.test(newKey) && !templates.sections.some((s) => s.key === newKey);

  return (
    <div className="two-columns">
      <Form label="Post-mortem templates" onSubmit={() => preview.problems.length === 0 && save()}>
        <Editable>
          <p className="field-help">
            Placeholders: {PLACEHOLDERS.map((p) => `{{${p}}}`).join(' ')} {'{{custom_id.<key>}}'}; alone on a line: {'{{timeline}}'}, {'{{mitigation_events}}'}. Lines starting with “- ” are bullets, “### ” a heading.
          </p>
          <div className="field">
            <label htmlFor={`${uid}-summary`}>Summary template</label>
            <input id={`${uid}-summary`} type="text" value={templates.summary} aria-invalid={problemsOf('summary').length > 0} onChange={(e) => edit((t) => ({ ...t, summary: e.target.value }))} />
            {problemsOf('summary').map((p, i) => (
              <div key={i} className="field-error" role="alert">
                {p.message}
              </div>
            ))}
          </div>
          {templates.sections.map((s, i) => (
            <fieldset key={s.key} className="card">
              <legend>
                Section <code>{s.key}</code>
              </legend>
              <div className="field">
                <label htmlFor={`${uid}-h-${s.key}`}>Heading of {s.key}</label>
                <input id={`${uid}-h-${s.key}`} type="text" value={s.heading} onChange={(e) => editSection(i, { heading: e.target.value })} />
              </div>
              <div className="field">
                <label htmlFor={`${uid}-b-${s.key}`}>Body of {s.key}</label>
                <textarea id={`${uid}-b-${s.key}`} className="code" rows={5} value={s.body} aria-invalid={problemsOf(s.key).length > 0} onChange={(e) => editSection(i, { body: e.target.value })} />
                {problemsOf(s.key).map((p, j) => (
                  <div key={j} className="field-error" role="alert">
                    {p.message}
                  </div>
                ))}
              </div>
              <Button
                appearance="subtle"
                spacing="compact"
                onClick={() =>
                  void feedback
                    .confirm({
                      title: `Remove section ${s.key}?`,
                      body: (
                        <p>
                          Post-mortems created after you save will have no “{s.heading}” section, and its text ({s.body.trim() === '' ? 'empty now' : `${s.body.length} characters`}) is gone from
                          the template. Post-mortems already created keep theirs. Until you save, reloading the page brings it back.
                        </p>
                      ),
                      confirmLabel: 'Remove section',
                    })
                    .then((confirmed) => confirmed && edit((t) => ({ ...t, sections: t.sections.filter((_, j) => j !== i) })))
                }
              >
                Remove section {s.key}
              </Button>
            </fieldset>
          ))}
          <div className="row field">
            <label htmlFor={`${uid}-new`} className="visually-hidden">
              New section key
            </label>
            <input id={`${uid}-new`} type="text" placeholder="new_section_key" style={{ maxWidth: 240 }} value={newKey} onChange={(e) => setNewKey(e.target.value)} />
            <Button
              isDisabled={!keyOk}
              onClick={() => {
                edit((t) => ({ ...t, sections: [...t.sections, { key: newKey, heading: newKey.replace(/_/g, ' '), body: '' }] }));
                setNewKey('');
              }}
            >
              Add section
            </Button>
          </div>
          {problemsOf('(sections)').map((p, i) => (
            <div key={i} className="field-error" role="alert">
              {p.message}
            </div>
          ))}
          <ActionMessages error={action.error} errorTitle="The templates were not saved" />
          <Button appearance="primary" type="submit" isDisabled={action.busy !== null || preview.problems.length > 0}>
            {action.busy ? 'Saving…' : 'Save templates'}
          </Button>
        </Editable>
      </Form>
      <section aria-label="Preview" className="card" data-testid="post-mortem-preview">
        <p className="subtle">
          Preview against sample incident <code>{SAMPLE_INCIDENT.id}</code> (incident issue OPS-42). Custom-field sections are shown in order here.
        </p>
        <h2 data-testid="post-mortem-summary-preview">{preview.render.summary}</h2>
        {preview.render.description ? <AdfView node={preview.render.description} /> : <p className="subtle">No sections.</p>}
      </section>
    </div>
  );
}
