import Button from '@atlaskit/button/new';
import { useEffect, useState } from 'react';
import type { CategoryRule, IncidentRoutingView } from '../../../src/forge/entry/resolvers/contract';
import type { ResolverClient } from '../../shared/client';
import { useResolverAction } from '../../shared/resolver-hooks';
import { ActionMessages, TableHead } from '../../shared/ui';

/** A rule as typed: empty text means "not set" (null). */
type Row = { readonly category: string; readonly projectKey: string; readonly issueTypeName: string; readonly label: string };

const rowOf = (r: CategoryRule): Row => ({ category: r.category, projectKey: r.projectKey ?? '', issueTypeName: r.issueTypeName ?? '', label: r.label ?? '' });
const orNull = (s: string) => (s.trim() === '' ? null : s.trim());
const ruleOf = (r: Row): CategoryRule => ({ category: r.category.trim(), projectKey: orNull(r.projectKey), issueTypeName: orNull(r.issueTypeName), label: orNull(r.label) });

/**
 * Impact incident category → Jira project, issue type and an extra label. An incident whose category no row
 * names (or that has none) goes to the site default's project. Decided once, when its issue is created.
 */
export function CategoryMapping({ client, routing, canChange, onChange }: { client: ResolverClient; routing: IncidentRoutingView; canChange: boolean; onChange: (routing: IncidentRoutingView) => void }) {
  const [rows, setRows] = useState<readonly Row[]>(() => routing.categories.map(rowOf));
  useEffect(() => setRows(routing.categories.map(rowOf)), [routing.categories]);
  const action = useResolverAction<'save'>();
  const edit = (i: number, change: Partial<Row>) => {
    action.setNotice(null);
    setRows((list) => list.map((r, j) => (j === i ? { ...r, ...change } : r)));
  };
  const cell = (i: number, key: keyof Row, label: string, placeholder?: string) => (
    <td>
      <input type="text" aria-label={`${label} ${i + 1}`} placeholder={placeholder} value={rows[i]?.[key] ?? ''} onChange={(e) => edit(i, { [key]: e.target.value })} />
    </td>
  );
  return (
    <section aria-label="Incident categories">
      <h2>Incident categories</h2>
      <p className="field-help">
        Where a new incident goes by its Impact category (compared case-insensitively). Empty project: the site default&apos;s; empty issue type: the project&apos;s setting. Categories not listed go to
        the site default. Changing this needs the Administer Jira permission.
      </p>
      <fieldset className="editable" disabled={!canChange}>
        <table aria-label="Incident category mapping">
          <TableHead columns={['Impact category', 'Jira project key', 'Issue type', 'Extra label']} hiddenActions />
          <tbody>
            {rows.map((_, i) => (
              <tr key={i}>
                {cell(i, 'category', 'Category', 'e.g. Security')}
                {cell(i, 'projectKey', 'Project for category', 'site default')}
                {cell(i, 'issueTypeName', 'Issue type for category', "project's")}
                {cell(i, 'label', 'Label for category', 'none')}
                <td className="actions">
                  <Button appearance="subtle" spacing="compact" aria-label={`Remove category ${i + 1}`} onClick={() => setRows((list) => list.filter((__, j) => j !== i))}>
                    Remove
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <Button onClick={() => setRows((list) => [...list, { category: '', projectKey: '', issueTypeName: '', label: '' }])}>Add category</Button>{' '}
        <Button
          appearance="primary"
          isDisabled={action.busy !== null}
          onClick={() => void action.run('save', () => client.call('saveIncidentCategories', { categories: rows.map(ruleOf) }), { notice: 'Categories saved.', then: onChange })}
        >
          {action.busy ? 'Saving…' : 'Save categories'}
        </Button>
        <ActionMessages error={action.error} errorTitle="The categories were not saved" />
      </fieldset>
    </section>
  );
}
