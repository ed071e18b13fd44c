import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHmac } from 'node:crypto';
import {
  ALL_IMPACT_EVENTS,
  anyImpactWebhookSchema,
  apiErrorSchema,
  etagOf,
  getIncidentResponseSchema,
  ifMatchAllows,
  ImpactApiPaths,
  impactFollowUpWebhookSchema,
  impactNoteWebhookSchema,
  impactSignedPayload,
  impactWebhookSchema,
  parseIfMatch,
  postNoteRequestSchema,
  postNoteResponseSchema,
  updateFollowUpRequestSchema,
  updateIncidentRequestSchema,
  updateNoteRequestSchema,
} from '../../../src/shared/impact';
import { describeZodError } from '../../../src/shared/zod-error';

const fixture = (name: string): Record<string, unknown> => JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf8')) as Record<string, unknown>;
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

function problems(schema: { safeParse(v: unknown): { success: boolean; error?: unknown } }, value: unknown): { path: string; message: string }[] {
  const result = schema.safeParse(value);
  if (result.success) return [];
  return describeZodError(result.error as Parameters<typeof describeZodError>[0]);
}

describe('Impact webhook contract v1', () => {
  it.each(['incident-created.json', 'incident-updated-status.json', 'incident-updated-by-bridge.json', 'incident-key-events-updated.json'])('parses %s', (name) => {
    const parsed = impactWebhookSchema.parse(fixture(name));
    expect(parsed.contract_version).toBe(1);
    expect(parsed.incident.id).toBe('INC-2041');
  });

  it('keeps the previous values of updated fields and the origin marker', () => {
    const parsed = impactWebhookSchema.parse(fixture('incident-updated-status.json'));
    expect(parsed.updated_fields).toEqual({ status: { previous: 'INVESTIGATING' }, priority: { previous: 2 } });
    const own = impactWebhookSchema.parse(fixture('incident-updated-by-bridge.json'));
    expect(own.origin).toEqual({ type: 'api', client: 'incident-bridge', marker: 'incident-bridge' });
  });

  const base = fixture('incident-updated-status.json');
  // Tests poke at arbitrary depths of a JSON copy; typing each path would hide what is being broken.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  type Poke = any;
  const mutate = (fn: (b: Poke) => void): unknown => {
    const b: Poke = clone(base);
    fn(b);
    return b;
  };

  it.each<[string, unknown, string]>([
    ['a priority outside 1-5', mutate((b) => (b.incident.priority = 6)), 'incident.priority'],
    ['an unknown status', mutate((b) => (b.incident.status = 'RESOLVED')), 'incident.status'],
    ['an unknown event', mutate((b) => (b.event = 'incident.deleted')), 'event'],
    ['a bad previous value', mutate((b) => (b.updated_fields.status.previous = 'DONE')), 'updated_fields.status.previous'],
    ['an update naming no field', mutate((b) => (b.updated_fields = {})), 'updated_fields'],
    ['a commander without email', mutate((b) => (b.incident.commander = { name: 'Jane' })), 'incident.commander.email'],
    ['a key event without time', mutate((b) => delete b.incident.key_events[0].time), 'incident.key_events.0.time'],
    ['a missing origin', mutate((b) => delete b.origin), 'origin'],
    ['another contract version', mutate((b) => (b.contract_version = 2)), 'contract_version'],
    ['a local time without offset', mutate((b) => (b.occurred_at = '2025-11-19 10:15')), 'occurred_at'],
    ['an empty status history', mutate((b) => (b.incident.status_history = [])), 'incident.status_history'],
    ['a created event with updated fields', mutate((b) => (b.event = 'incident.created')), 'updated_fields'],
    ['an incident without version', mutate((b) => delete b.incident.version), 'incident.version'],
    ['a version 0', mutate((b) => (b.incident.version = 0)), 'incident.version'],
    ['a fractional version', mutate((b) => (b.incident.version = 1.5)), 'incident.version'],
  ])('refuses %s with the path', (_name, body, path) => {
    expect(problems(impactWebhookSchema, body).map((p) => p.path)).toContain(path);
  });

  it('signs `${timestamp}.${rawBody}` (a known HMAC vector)', () => {
    expect(impactSignedPayload(1763546100, '{"a":1}')).toBe('1763546100.{"a":1}');
    const sig = createHmac('sha256', 'dev-impact-secret').update(impactSignedPayload(1, '{}')).digest('hex');
    expect(sig).toMatch(/^[0-9a-f]{64}$/);
    expect(sig).not.toBe(createHmac('sha256', 'dev-impact-secret').update('{}').digest('hex'));
  });
});

describe('Impact API contract v1', () => {
  it('parses real-looking requests and responses', () => {
    expect(updateIncidentRequestSchema.parse(fixture('api-update-request.json')).changes.status).toBe('MITIGATED');
    expect(postNoteResponseSchema.parse(fixture('api-note-response.json')).note.id).toBe('note_7781');
    expect(apiErrorSchema.parse(fixture('api-error.json')).error.details?.[0]?.path).toBe('changes.priority');
    const incident = fixture('incident-key-events-updated.json')['incident'];
    expect(getIncidentResponseSchema.parse({ contract_version: 1, incident }).incident.status).toBe('POST_MORTEM');
  });

  it.each<[string, unknown, string]>([
    ['a write without origin', { changes: { status: 'OPEN' } }, 'origin'],
    ['a write without changes', { origin: 'incident-bridge', changes: {} }, 'changes'],
    ['a field the API cannot change', { origin: 'incident-bridge', changes: { description: 'x' } }, 'changes'],
    ['a bad commander email', { origin: 'incident-bridge', changes: { commander: { email: 'nope' } } }, 'changes.commander.email'],
  ])('refuses %s', (_name, body, path) => {
    expect(problems(updateIncidentRequestSchema, body).map((p) => p.path)).toContain(path);
  });

  it('accepts clearing the commander and refuses an empty note', () => {
    expect(updateIncidentRequestSchema.safeParse({ origin: 'incident-bridge', changes: { commander: null } }).success).toBe(true);
    expect(problems(postNoteRequestSchema, { origin: 'incident-bridge', message: '  ' }).map((p) => p.path)).toContain('message');
  });

  it('builds encoded paths', () => {
    expect(ImpactApiPaths.incident('INC-1')).toBe('/api/v1/incidents/INC-1');
    expect(ImpactApiPaths.notes('a/b')).toBe('/api/v1/incidents/a%2Fb/notes');
    expect(ImpactApiPaths.note('INC-1', 'n/1')).toBe('/api/v1/incidents/INC-1/notes/n%2F1');
    expect(ImpactApiPaths.followUps('INC-1')).toBe('/api/v1/incidents/INC-1/follow-ups');
    expect(ImpactApiPaths.followUp('INC-1', 'fu_2')).toBe('/api/v1/incidents/INC-1/follow-ups/fu_2');
  });

  it('names the current version in a 409 for a failed If-Match', () => {
    const error = apiErrorSchema.parse(fixture('api-version-conflict.json')).error;
    expect(error).toMatchObject({ code: 'conflict', current_version: 6 });
    expect(apiErrorSchema.parse(fixture('api-error.json')).error.current_version).toBeUndefined();
    expect(problems(apiErrorSchema, { error: { code: 'conflict', message: 'x', current_version: 0 } }).map((p) => p.path)).toContain('error.current_version');
  });

  it('notes: an idempotent create key, an edit naming the text, and the full note in responses', () => {
    expect(postNoteRequestSchema.parse({ origin: 'incident-bridge', message: ' hi ', external_id: 'jira-comment:10042' })).toEqual({ origin: 'incident-bridge', message: 'hi', external_id: 'jira-comment:10042' });
    expect(problems(postNoteRequestSchema, { origin: 'incident-bridge', message: 'hi', external_id: 'has space' }).map((p) => p.path)).toContain('external_id');
    expect(problems(updateNoteRequestSchema, { origin: 'incident-bridge', message: '' }).map((p) => p.path)).toContain('message');
    expect(problems(postNoteResponseSchema, { contract_version: 1, note: { id: 'n1', incident_id: 'INC-1', message: 'x', origin: null } }).map((p) => p.path)).toEqual(
      expect.arrayContaining(['note.author', 'note.external_id', 'note.version', 'note.created_at', 'note.updated_at', 'note.deleted_at']),
    );
  });

  it.each<[string, unknown, string]>([
    ['an unknown field', { origin: 'incident-bridge', changes: { priority: 1 } }, 'changes'],
    ['an unknown status', { origin: 'incident-bridge', changes: { status: 'WONT_DO' } }, 'changes.status'],
    ['an assignee by name', { origin: 'incident-bridge', changes: { assignee: { name: 'Omar' } } }, 'changes.assignee.email'],
    ['an external issue without key', { origin: 'incident-bridge', changes: { external_issue: { url: null } } }, 'changes.external_issue.key'],
    ['no change', { origin: 'incident-bridge', changes: {} }, 'changes'],
  ])('a follow-up change refuses %s', (_name, body, path) => {
    expect(problems(updateFollowUpRequestSchema, body).map((p) => p.path)).toContain(path);
  });
});

describe('Impact conditional writes (If-Match)', () => {
  it.each<[string | undefined, ReturnType<typeof parseIfMatch>]>([
    [undefined, { kind: 'absent' }],
    ['*', { kind: 'any' }],
    ['"7"', { kind: 'versions', versions: [7], weak: 0 }],
    ['7', { kind: 'versions', versions: [7], weak: 0 }],
    [' "3", "4" ', { kind: 'versions', versions: [3, 4], weak: 0 }],
    ['W/"7"', { kind: 'versions', versions: [], weak: 1 }],
  ])('parses %p', (header, expected) => {
    expect(parseIfMatch(header)).toEqual(expected);
  });

  it.each(['', '"0"', '"-1"', 'abc', '"7', '"7",', '1.5', '"9999999999999999"'])('refuses %p as invalid', (header) => {
    expect(parseIfMatch(header).kind).toBe('invalid');
  });

  it('matches only the current version (strong comparison: a weak tag never matches)', () => {
    expect(ifMatchAllows(parseIfMatch(etagOf(5)), 5)).toBe(true);
    expect(ifMatchAllows(parseIfMatch('"4"'), 5)).toBe(false);
    expect(ifMatchAllows(parseIfMatch('"4", "5"'), 5)).toBe(true);
    expect(ifMatchAllows(parseIfMatch('W/"5"'), 5)).toBe(false);
    expect(ifMatchAllows(parseIfMatch('*'), 5)).toBe(true);
    expect(ifMatchAllows(parseIfMatch(undefined), 5)).toBe(true);
    expect(etagOf(12)).toBe('"12"');
  });
});

describe('Impact note and follow-up webhooks', () => {
  it('parses a note and a follow-up event, each with the incident snapshot', () => {
    const note = impactNoteWebhookSchema.parse(fixture('note-created.json'));
    expect(note.event).toBe('incident.note_created');
    expect(note.note).toMatchObject({ id: 'note_7790', author: { email: 'jane.doe@example.com' }, origin: null, version: 1 });
    expect(note.incident.version).toBe(5);
    const followUp = impactFollowUpWebhookSchema.parse(fixture('follow-up-updated.json'));
    expect(followUp.updated_fields).toEqual({ status: { previous: 'OPEN' }, external_issue: { previous: null } });
    expect(followUp.follow_up.external_issue?.key).toBe('OPS-88');
  });

  it('keeps the incident-only schema for incident events; the any-event schema takes every contract event', () => {
    expect(impactWebhookSchema.safeParse(fixture('note-created.json')).success).toBe(false);
    for (const name of ['incident-created.json', 'incident-updated-status.json', 'note-created.json', 'follow-up-updated.json']) {
      expect(anyImpactWebhookSchema.safeParse(fixture(name)).success).toBe(true);
    }
    expect(ALL_IMPACT_EVENTS).toHaveLength(9);
  });

  const noteBase = fixture('note-created.json');
  const followUpBase = fixture('follow-up-updated.json');
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  type Poke = any;
  const edit = (base: unknown, fn: (b: Poke) => void): unknown => {
    const b: Poke = clone(base);
    fn(b);
    return b;
  };
  it.each<[string, unknown, string]>([
    ['a note event without the note', edit(noteBase, (b) => delete b.note), 'note'],
    ['a note update without the previous message', edit(noteBase, (b) => (b.event = 'incident.note_updated')), 'updated_fields.message'],
    ['a note created with updated fields', edit(noteBase, (b) => (b.updated_fields = { message: { previous: 'x' } })), 'updated_fields'],
    ['a follow-up update naming no field', edit(followUpBase, (b) => (b.updated_fields = {})), 'updated_fields'],
    ['a follow-up with an unknown status', edit(followUpBase, (b) => (b.follow_up.status = 'WONT_DO')), 'follow_up.status'],
    ['a follow-up without version', edit(followUpBase, (b) => delete b.follow_up.version), 'follow_up.version'],
  ])('refuses %s with the path', (_name, body, path) => {
    expect(problems(anyImpactWebhookSchema, body).map((p) => p.path)).toContain(path);
  });
});
