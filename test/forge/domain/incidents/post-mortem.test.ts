import { adfProblem, adfToText } from '../../../../src/sandbox/jira-sim/adf';
import { mergeOwnedSections, OWNED_MARK, renderPostMortem, postMortemRefreshFields, renderSectionBody } from '../../../../src/forge/domain/incidents/post-mortem';
import { DEFAULT_POST_MORTEM_CONFIG, checkPostMortemConfig, inDescription } from '../../../../src/forge/domain/incidents/post-mortem-template';
import { buildTimeline, formatUtc } from '../../../../src/forge/domain/incidents/timeline';
import { linkTypeCandidates, mayCloseIncidentIssue, closureMessage } from '../../../../src/forge/domain/incidents/issue-links';
import { incident } from './fixtures';

const reached = incident({
  status: 'POST_MORTEM',
  priority: 1,
  key_events: [
    { kind: 'recovered', time: '2025-11-19T10:30:00Z', message: 'System back to normal' },
    { kind: 'detected', time: '2025-11-19T10:10:00Z', message: 'Issue first detected' },
    { kind: 'started', time: '2025-11-19T09:55:00Z', message: null },
  ],
  status_history: [
    { status: 'OPEN', at: '2025-11-19T10:00:00Z' },
    { status: 'INVESTIGATING', at: '2025-11-19T10:05:00Z' },
    { status: 'MITIGATING', at: '2025-11-19T10:15:00Z' },
    { status: 'MITIGATED', at: '2025-11-19T10:35:00Z' },
    { status: 'POST_MORTEM', at: '2025-11-19T11:00:00Z' },
  ],
});
const ctx = { incident: reached, incidentIssueKey: 'INC-12' };

describe('timeline', () => {
  it('is chronological: creation, status changes and key events (seed 004 example)', () => {
    expect(buildTimeline(reached).map((e) => `${formatUtc(e.at)} | ${e.text}`)).toEqual([
      '2025-11-19 09:55 UTC | Key event: Started',
      '2025-11-19 10:00 UTC | Incident created (P1)',
      '2025-11-19 10:05 UTC | Status changed to: Investigating',
      '2025-11-19 10:10 UTC | Key event: Detected - Issue first detected',
      '2025-11-19 10:15 UTC | Status changed to: Mitigating',
      '2025-11-19 10:30 UTC | Key event: Recovered - System back to normal',
      '2025-11-19 10:35 UTC | Status changed to: Mitigated',
      '2025-11-19 11:00 UTC | Status changed to: Post-mortem',
    ]);
  });
});

describe('post-mortem rendering', () => {
  const render = renderPostMortem(DEFAULT_POST_MORTEM_CONFIG, ctx);

  it('renders every section into valid ADF', () => {
    expect(render.summary).toBe('Post-mortem: Checkout 502s (INC-7)');
    expect(render.description).toBeNull();
    expect(Object.keys(render.customFields).sort()).toEqual(['customfield_12699', 'customfield_12700', 'customfield_12701', 'customfield_12702', 'customfield_12703']);
    for (const docValue of Object.values(render.customFields)) expect(adfProblem(docValue)).toBeNull();
  });

  it('leaves status and creation out of the incident summary', () => {
    const summary = adfToText(render.customFields['customfield_12699']);
    expect(summary).toContain('Priority: P1');
    expect(summary).toContain('Commander: Jane Doe <Jane.Doe@example.com>');
    expect(summary).toContain('INC-12');
    expect(summary).not.toMatch(/status|created|POST_MORTEM/i);
  });

  it('renders the timeline as a table with a header row', () => {
    const table = render.customFields['customfield_12700']!.content[0]!;
    expect(table.type).toBe('table');
    if (table.type !== 'table') return;
    expect(table.content).toHaveLength(9);
    expect(adfToText(table.content[0])).toBe('TimeEvent');
    expect(adfToText(table.content[2])).toBe('2025-11-19 10:00 UTCIncident created (P1)');
  });

  it('lists mitigation key events and keeps the root-causes placeholder', () => {
    expect(adfToText(render.customFields['customfield_12703'])).toContain('2025-11-19 10:30 UTC: Recovered - System back to normal');
    expect(adfToText(render.customFields['customfield_12701'])).toMatch(/^To be completed/);
  });

  it('renders sections under headings in the description when configured', () => {
    const described = renderPostMortem(inDescription(DEFAULT_POST_MORTEM_CONFIG), ctx);
    expect(described.customFields).toEqual({});
    expect(adfProblem(described.description)).toBeNull();
    const headings = described.description!.content.filter((b) => b.type === 'heading').map((b) => adfToText(b));
    expect(headings).toEqual(['Incident summary', 'Timeline', 'Impact', 'Mitigation actions', 'Root causes']);
  });

  it('refreshes only the key-event sections', () => {
    expect(Object.keys(postMortemRefreshFields(DEFAULT_POST_MORTEM_CONFIG, ctx)).sort()).toEqual(['customfield_12700', 'customfield_12703']);
    expect(Object.keys(postMortemRefreshFields(inDescription(DEFAULT_POST_MORTEM_CONFIG), ctx))).toEqual(['description']);
  });

  it('renders the line language: bullets, headings, bold, unknown placeholders kept', () => {
    const blocks = renderSectionBody('### Owner {{incident.id}}\n- **one**\n- two\nafter {{nope}}', ctx, []);
    expect(blocks.map((b) => b.type)).toEqual(['heading', 'bulletList', 'paragraph']);
    expect(blocks[1]).toEqual({
      type: 'bulletList',
      content: [
        { type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'one', marks: [{ type: 'strong' }] }] }] },
        { type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'two' }] }] },
      ],
    });
    expect(adfToText(blocks[2])).toBe('after {{nope}}');
  });

  it('validates templates', () => {
    expect(checkPostMortemConfig(DEFAULT_POST_MORTEM_CONFIG)).toEqual([]);
    const bad = {
      ...DEFAULT_POST_MORTEM_CONFIG,
      summary: '{{incident.status}}',
      sections: [{ key: 'a', heading: 'A', body: 'see {{timeline}}', target: { kind: 'description' as const } }],
      linkTypePreference: ['Parent'],
    };
    expect(checkPostMortemConfig(bad)).toEqual([
      { section: 'summary', message: 'unknown placeholder {{incident.status}}' },
      { section: 'a', message: '{{timeline}} must be alone on its line' },
      { section: 'linkTypePreference', message: 'hierarchy links are not allowed' },
    ]);
  });
});

describe('links and closure gate', () => {
  const types = [
    { id: '1', name: 'Blocks', inward: 'is blocked by', outward: 'blocks' },
    { id: '2', name: 'Cloners', inward: 'is cloned by', outward: 'clones' },
    { id: '3', name: 'Relates', inward: 'relates to', outward: 'relates to' },
    { id: '4', name: 'Parent-Child', inward: 'is child of', outward: 'is parent of' },
  ];
  it('prefers Relates, then Blocks, then a "Relates to" description, never a hierarchy', () => {
    expect(linkTypeCandidates(types, ['Relates', 'Blocks', 'Relates to']).map((t) => t.id)).toEqual(['3', '1']);
    expect(linkTypeCandidates(types.filter((t) => t.id !== '3'), ['Relates', 'Blocks', 'Relates to']).map((t) => t.id)).toEqual(['1']);
    expect(linkTypeCandidates([{ id: '9', name: 'Related', inward: 'relates to', outward: 'relates to' }], ['Relates', 'Blocks', 'Relates to']).map((t) => t.id)).toEqual(['9']);
    expect(linkTypeCandidates(types, ['Parent-Child'])).toEqual([]);
  });

  it.each([
    [{ postMortem: null, requirePostMortem: false }, { allowed: true }],
    [{ postMortem: null, requirePostMortem: true }, { allowed: false, reason: 'post-mortem-missing' }],
    [{ postMortem: { issueKey: 'PM-1', statusCategory: 'indeterminate' as const }, requirePostMortem: false }, { allowed: false, reason: 'post-mortem-not-done', postMortemIssueKey: 'PM-1' }],
    [{ postMortem: { issueKey: 'PM-1', statusCategory: 'done' as const }, requirePostMortem: true }, { allowed: true }],
  ])('closure gate %j', (input, expected) => {
    expect(mayCloseIncidentIssue(input)).toEqual(expected);
  });

  it('explains a refusal', () => {
    expect(closureMessage(mayCloseIncidentIssue({ postMortem: { issueKey: 'PM-1', statusCategory: 'new' }, requirePostMortem: false }))).toBe('Close the post-mortem PM-1 before closing this incident.');
  });
});

describe('owned sections of a post-mortem description', () => {
  const config = inDescription(DEFAULT_POST_MORTEM_CONFIG);
  const at = (keyEvents: { kind: string; time: string; message: string | null }[]) => renderPostMortem(config, { incident: incident({ status: 'POST_MORTEM', key_events: keyEvents }), incidentIssueKey: 'OPS-1' }).description!;
  const first = at([]);

  it('marks the dynamic blocks of description sections as owned expands, and custom-field sections not', () => {
    const owned = first.content.filter((b) => b.type === 'expand').map((b) => (b.type === 'expand' ? b.attrs.title : ''));
    expect(owned).toEqual([`Timeline ${OWNED_MARK}`, `Mitigation events ${OWNED_MARK}`]);
    expect(adfProblem(first)).toBeNull();
    const inFields = renderPostMortem(DEFAULT_POST_MORTEM_CONFIG, { incident: incident(), incidentIssueKey: null });
    expect(JSON.stringify(inFields.customFields)).not.toContain('expand');
  });

  it('replaces only the owned content: a person’s words, headings and edits elsewhere stay as they are', () => {
    const edited = { ...first, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Dave: a config flag flipped in v42.' }] }, ...first.content.slice(1)] };
    const fresh = at([{ kind: 'detected', time: '2025-11-19T10:10:00Z', message: 'Alert fired' }]);
    const merged = mergeOwnedSections(edited, fresh)!;
    expect(merged.content[0]).toEqual(edited.content[0]);
    expect(merged.content.filter((b) => b.type !== 'expand')).toEqual(edited.content.filter((b) => b.type !== 'expand'));
    expect(adfToText(merged)).toContain('Detected - Alert fired');
  });

  it('writes nothing when nothing owned changed, leaves a deleted owned section deleted, and ignores a non-ADF value', () => {
    expect(mergeOwnedSections(first, at([]))).toBeNull();
    const withoutTimeline = { ...first, content: first.content.filter((b) => !(b.type === 'expand' && b.attrs.title.startsWith('Timeline'))) };
    const merged = mergeOwnedSections(withoutTimeline, at([{ kind: 'recovered', time: '2025-11-19T11:00:00Z', message: null }]));
    expect(merged?.content.filter((b) => b.type === 'expand')).toHaveLength(1);
    expect(mergeOwnedSections('plain text', first)).toBeNull();
    expect(mergeOwnedSections(null, first)).toBeNull();
  });
});
