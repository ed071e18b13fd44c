import { DEFAULT_STATUS_MAP, checkStatusMap, impactStatusFor, jiraStatusFor, statusesAgree } from '../../../../src/forge/domain/incidents/status-map';
import {
  DEFAULT_FIELD_MAPPING,
  DEFAULT_JIRA_PRIORITY_NAMES,
  customFieldValue,
  impactPriorityFromJira,
  mapIncidentFields,
  priorityFieldValue,
  type PriorityTarget,
} from '../../../../src/forge/domain/incidents/field-mapping';
import { IMPACT_STATUSES } from '../../../../src/shared/impact/incident';
import { adfProblem } from '../../../../src/sandbox/jira-sim/adf';
import { incident, incidentWorkflow } from './fixtures';

describe('status maps (seed 004 defaults)', () => {
  it.each([
    ['OPEN', 'Incoming'],
    ['INVESTIGATING', 'in progress'],
    ['MITIGATING', 'in progress'],
    ['MITIGATED', 'Reporter validation'],
    ['POST_MORTEM', 'Reporter validation'],
    ['CLOSED', 'Closed'],
  ] as const)('Impact %s → Jira %s', (impact, jira) => {
    expect(jiraStatusFor(DEFAULT_STATUS_MAP, impact)).toBe(jira);
  });

  it.each([
    ['Incoming', 'OPEN'],
    ['Pending resolution', 'OPEN'],
    ['In Progress', 'MITIGATING'],
    ['  in   progress ', 'MITIGATING'],
    ['Reporter validation', 'MITIGATED'],
    ['CLOSED', 'CLOSED'],
    ['Rejected', null],
  ] as const)('Jira %s → Impact %s', (jira, impact) => {
    expect(impactStatusFor(DEFAULT_STATUS_MAP, jira)).toBe(impact);
  });

  it('knows when both sides already agree', () => {
    expect(statusesAgree(DEFAULT_STATUS_MAP, 'INVESTIGATING', 'In Progress')).toBe(true);
    expect(statusesAgree(DEFAULT_STATUS_MAP, 'POST_MORTEM', 'Reporter validation')).toBe(true);
    expect(statusesAgree(DEFAULT_STATUS_MAP, 'OPEN', 'Pending resolution')).toBe(false);
  });

  it('every Impact status round-trips to a status that shows the same Jira state', () => {
    for (const s of IMPACT_STATUSES) {
      const back = impactStatusFor(DEFAULT_STATUS_MAP, jiraStatusFor(DEFAULT_STATUS_MAP, s));
      expect(back).not.toBeNull();
      expect(statusesAgree(DEFAULT_STATUS_MAP, back!, jiraStatusFor(DEFAULT_STATUS_MAP, s))).toBe(true);
    }
  });

  it('checks a map against a workflow', () => {
    expect(checkStatusMap(DEFAULT_STATUS_MAP, incidentWorkflow.statuses.map((s) => s.name))).toEqual([]);
    expect(checkStatusMap(DEFAULT_STATUS_MAP, ['Incoming', 'Closed'])).toContainEqual({ kind: 'jira-status-missing', impactStatus: 'MITIGATED', jiraStatus: 'Reporter validation' });
  });
});

describe('priority targets', () => {
  const jiraPriority: PriorityTarget = { kind: 'jira-priority', names: DEFAULT_JIRA_PRIORITY_NAMES };
  it.each<[PriorityTarget, unknown]>([
    [{ kind: 'custom-select', fieldId: 'customfield_11064' }, { value: '3' }],
    [{ kind: 'custom-number', fieldId: 'customfield_11064' }, 3],
    [jiraPriority, { name: 'Medium' }],
  ])('%j sends %j for P3', (target, value) => {
    expect(priorityFieldValue(target, 3)).toEqual(value);
  });

  it.each<[PriorityTarget, string | null, number | null]>([
    [{ kind: 'custom-select', fieldId: 'x' }, '2', 2],
    [{ kind: 'custom-number', fieldId: 'x' }, '4.0', 4],
    [{ kind: 'custom-select', fieldId: 'x' }, 'P1', 1],
    [{ kind: 'custom-select', fieldId: 'x' }, '6', null],
    [{ kind: 'custom-select', fieldId: 'x' }, null, null],
    [jiraPriority, 'highest', 1],
    [jiraPriority, 'Blocker', null],
  ])('%j reads %s back as %s', (target, display, expected) => {
    expect(impactPriorityFromJira(target, display)).toBe(expected);
  });
});

describe('incident → Jira fields', () => {
  it('maps every field of a create (seed 004 defaults)', () => {
    const fields = mapIncidentFields(incident({ priority: 4 }), DEFAULT_FIELD_MAPPING);
    expect(fields).toEqual({
      summary: 'Checkout 502s',
      description: {
        type: 'doc',
        version: 1,
        content: [
          { type: 'paragraph', content: [{ type: 'text', text: 'Payments fail in FR.' }] },
          { type: 'paragraph', content: [{ type: 'text', text: 'Started after deploy.' }] },
        ],
      },
      customfield_11064: { value: '4' },
      customfield_11049: [{ value: 'PRD' }, { value: 'STG' }],
      customfield_10201: { value: 'platform-FR' },
      customfield_10936: 'Conversion down 30%',
    });
    expect(adfProblem(fields['description'])).toBeNull();
  });

  it('sends the first environment only for P1-P3', () => {
    const envs = DEFAULT_FIELD_MAPPING.customFields[0]!;
    expect(customFieldValue(incident({ priority: 3 }), envs)).toEqual([{ value: 'PRD' }]);
    expect(customFieldValue(incident({ priority: 5 }), envs)).toEqual([{ value: 'PRD' }, { value: 'STG' }]);
  });

  it('maps custom ids and clears empty values', () => {
    const inc = incident({ platform: null, business_impact: null, description: '  ' });
    expect(customFieldValue(inc, { source: { kind: 'custom_id', key: 'zendesk_ticket_id' }, fieldId: 'cf', shape: 'number' })).toBe(4411);
    expect(customFieldValue(inc, { source: { kind: 'custom_id', key: 'missing' }, fieldId: 'cf', shape: 'text' })).toBeNull();
    expect(customFieldValue(inc, { source: { kind: 'environments' }, fieldId: 'cf', shape: 'labels' })).toEqual(['PRD', 'STG']);
    expect(mapIncidentFields(inc, DEFAULT_FIELD_MAPPING, new Set(['description', 'platform'] as const))).toEqual({ description: null, customfield_10201: null });
  });

  it('keeps line breaks as hard breaks and never emits empty text', () => {
    const fields = mapIncidentFields(incident({ description: 'a\nb\n\n\n' }), DEFAULT_FIELD_MAPPING, new Set(['description'] as const));
    expect(fields['description']).toEqual({ type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'a' }, { type: 'hardBreak' }, { type: 'text', text: 'b' }] }] });
  });
});
