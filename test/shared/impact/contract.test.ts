import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHmac } from 'node:crypto';
import {
  apiErrorSchema,
  getIncidentResponseSchema,
  ImpactApiPaths,
  impactSignedPayload,
  impactWebhookSchema,
  postNoteRequestSchema,
  postNoteResponseSchema,
  updateIncidentRequestSchema,
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
  });
});
