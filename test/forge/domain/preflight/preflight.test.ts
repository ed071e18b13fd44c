import fc from 'fast-check';
import { ruleSchema } from '../../../../src/forge/domain/alerts';
import {
  plannedCreateForIncident,
  plannedCreateForRule,
  preflightCreate,
  uncheckedReport,
  type CreateMetaField,
  type CreateMetadata,
  type PlannedCreate,
} from '../../../../src/forge/domain/preflight';
import { DEFAULT_FIELD_MAPPING } from '../../../../src/forge/domain/incidents';

const field = (fieldId: string, name: string, extra: Partial<CreateMetaField> = {}): CreateMetaField => ({
  fieldId,
  name,
  required: false,
  hasDefaultValue: false,
  schemaType: 'string',
  allowedValues: null,
  ...extra,
});

const OPS_FIELDS: CreateMetaField[] = [
  field('summary', 'Summary', { required: true }),
  field('issuetype', 'Issue Type', { required: true, schemaType: 'issuetype', allowedValues: [{ id: '10001', name: 'Incident' }] }),
  field('project', 'Project', { required: true, schemaType: 'project' }),
  field('description', 'Description'),
  field('labels', 'Labels', { schemaType: 'array', items: 'string' }),
  field('reporter', 'Reporter', { required: true, hasDefaultValue: true, schemaType: 'user' }),
  field('priority', 'Priority', { schemaType: 'priority', allowedValues: ['Highest', 'High', 'Medium', 'Low', 'Lowest'].map((name, i) => ({ id: String(i + 1), name })) }),
  field('components', 'Components', { schemaType: 'array', items: 'component', allowedValues: [{ id: '10000', name: 'API' }, { id: '10001', name: 'Payments' }] }),
  field('customfield_11064', 'Priority (Impact)', { schemaType: 'option', allowedValues: ['1', '2', '3', '4', '5'].map((value, i) => ({ id: String(10100 + i), value })) }),
  field('customfield_10050', 'Team', { required: true, schemaType: 'option', allowedValues: [{ id: '10200', value: 'SRE' }, { id: '10201', value: 'Payments', disabled: true }] }),
];

const META: CreateMetadata = {
  projectKey: 'OPS',
  issueTypes: [
    { id: '10001', name: 'Incident', subtask: false },
    { id: '10002', name: 'Task', subtask: false },
    { id: '10009', name: 'Sub-task', subtask: true },
  ],
  issueType: null,
  fields: OPS_FIELDS,
};

const rule = (over: Record<string, unknown> = {}) =>
  ruleSchema.parse({ id: 'r1', name: 'R', order: 10, target: { projectKey: 'OPS', issueType: 'Incident' }, matchers: ['alertname="X"'], customFields: { customfield_10050: { value: 'SRE' } }, ...over });

const codes = (planned: PlannedCreate, meta: CreateMetadata = META) => preflightCreate(meta, planned).findings.map((f) => [f.severity, f.code, f.path]);

describe('preflightCreate on a rule (table)', () => {
  it.each([
    ['a rule Jira accepts', {}, []],
    ['an unknown issue type', { target: { projectKey: 'OPS', issueType: 'Outage' } }, [['error', 'unknown-issue-type', 'target.issueType']]],
    ['an issue type by id', { target: { projectKey: 'OPS', issueType: '10001' } }, []],
    ['a required field nothing fills', { customFields: {} }, [['error', 'missing-required-field', 'customFields']]],
    ['an unknown priority in the mapping', { priority: { label: 'severity', mapping: { critical: 'Urgent' }, default: 'Low' } }, [['error', 'value-not-allowed', 'priority.mapping.critical']]],
    ['a priority spelled in another case', { priority: { label: 'severity', mapping: { critical: 'highest' } } }, [['warning', 'value-case', 'priority.mapping.critical']]],
    ['an unknown component', { components: ['API', 'Billing'] }, [['error', 'value-not-allowed', 'components.1']]],
    ['a templated component', { components: ['{{ labels.service }}'] }, [['warning', 'templated-value', 'components.0']]],
    ['an option Jira does not have', { customFields: { customfield_10050: { value: 'Ops' } } }, [['error', 'value-not-allowed', 'customFields.customfield_10050']]],
    ['a disabled option', { customFields: { customfield_10050: { value: 'Payments' } } }, [['error', 'value-disabled', 'customFields.customfield_10050']]],
    ['a field not on the create screen', { customFields: { customfield_10050: { value: 'SRE' }, customfield_99999: 'x' } }, [['error', 'field-not-on-screen', 'customFields.customfield_99999']]],
  ] as const)('%s', (_name, over, expected) => {
    expect(codes(plannedCreateForRule(rule(over as Record<string, unknown>)))).toEqual(expected);
  });

  it('says what is wrong in words, with what Jira accepts', () => {
    const r = preflightCreate(META, plannedCreateForRule(rule({ target: { projectKey: 'OPS', issueType: 'Outage' } })));
    expect(r.ok).toBe(false);
    expect(r.findings[0]!.message).toBe('Jira has no issue type "Outage" you can create in OPS; it has "Incident", "Task".');
    const missing = preflightCreate(META, plannedCreateForRule(rule({ customFields: {} })));
    expect(missing.findings[0]!.message).toBe('Jira requires "Team" (customfield_10050) for Incident issues in OPS, and nothing fills it; add it to the custom fields.');
    const priority = preflightCreate(META, plannedCreateForRule(rule({ priority: { label: 'severity', mapping: { critical: 'Urgent' } } })));
    expect(priority.findings[0]!.message).toBe('Jira will not accept "Urgent" for "Priority" in OPS Incident issues; it accepts "Highest", "High", "Medium", "Low", "Lowest".');
  });

  it('a report without metadata refuses nothing and says why', () => {
    const r = uncheckedReport(plannedCreateForRule(rule()), 'HTTP 403');
    expect(r).toMatchObject({ checked: false, ok: true, findings: [{ severity: 'warning', code: 'metadata-unavailable' }] });
  });

  it('checks the incident mapping the same way (priority options of the custom select)', () => {
    const mapping = { ...DEFAULT_FIELD_MAPPING, projectKey: 'OPS', customFields: [] };
    expect(codes(plannedCreateForIncident(mapping))).toEqual([['error', 'missing-required-field', 'customFields']]);
    const wrongSelect = { ...mapping, priority: { kind: 'custom-select' as const, fieldId: 'customfield_10050' } };
    expect(preflightCreate(META, plannedCreateForIncident(wrongSelect)).findings.filter((f) => f.code === 'value-not-allowed')).toHaveLength(5);
  });
});

describe('preflightCreate (properties)', () => {
  const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9 ]{0,11}$/);
  const metaArb = fc
    .record({
      options: fc.uniqueArray(name, { minLength: 1, maxLength: 6, comparator: (a, b) => a.toLowerCase() === b.toLowerCase() }),
      required: fc.uniqueArray(fc.integer({ min: 10000, max: 10100 }), { maxLength: 4 }),
    })
    .map(({ options, required }) => {
      const fields: CreateMetaField[] = [
        field('summary', 'Summary', { required: true }),
        field('customfield_1', 'Choice', { schemaType: 'option', allowedValues: options.map((value, i) => ({ id: String(i), value })) }),
        ...required.map((n) => field(`customfield_${n}`, `Field ${n}`, { required: true })),
      ];
      return { meta: { projectKey: 'P', issueTypes: [{ id: '1', name: 'Bug', subtask: false }], issueType: null, fields } satisfies CreateMetadata, options, required };
    });

  it('a plan that fills every required field with allowed values passes; leaving one out is exactly one error naming it', () => {
    fc.assert(
      fc.property(metaArb, fc.nat(), fc.nat(), ({ meta, options, required }, pick, drop) => {
        const fields: PlannedCreate['fields'] = {
          customfield_1: { kind: 'options', values: [{ value: options[pick % options.length]!, path: 'c' }] },
          ...Object.fromEntries(required.map((n) => [`customfield_${n}`, { kind: 'set' as const, path: `r${n}` }])),
        };
        const planned: PlannedCreate = { projectKey: 'P', issueType: { value: 'Bug', path: 't' }, fields, alwaysSent: ['summary'] };
        expect(preflightCreate(meta, planned)).toMatchObject({ ok: true, findings: [] });
        if (required.length === 0) return;
        const gone = `customfield_${required[drop % required.length]!}`;
        const { [gone]: _dropped, ...rest } = fields;
        const result = preflightCreate(meta, { ...planned, fields: rest });
        expect(result.ok).toBe(false);
        expect(result.findings.map((f) => [f.code, f.fieldId])).toEqual([['missing-required-field', gone]]);
      }),
    );
  });

  it('a value outside the allowed ones is always an error naming the value', () => {
    fc.assert(
      fc.property(metaArb, name, ({ meta, options }, value) => {
        fc.pre(!options.some((o) => o.toLowerCase() === value.toLowerCase()));
        const planned: PlannedCreate = { projectKey: 'P', issueType: { value: 'Bug', path: 't' }, fields: { customfield_1: { kind: 'options', values: [{ value, path: 'c' }] } }, alwaysSent: ['summary'] };
        const bad = preflightCreate({ ...meta, fields: meta.fields.filter((f) => !f.required || f.fieldId === 'summary') }, planned);
        expect(bad.ok).toBe(false);
        expect(bad.findings).toHaveLength(1);
        expect(bad.findings[0]!.message).toContain(`"${value}"`);
      }),
    );
  });
});
