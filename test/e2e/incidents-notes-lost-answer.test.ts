/**
 * Issue 15 items 8 + 3: an Impact note → Jira comment create whose answer is lost makes no second comment.
 * Jira carries out the POST but the answer never arrives (the simulator's `drop-response` fault: a timeout
 * after Jira committed); the queue retries the note event, finds the creation marker the first attempt put
 * in the incident record, looks the comment up by its `incident-bridge-note` property and adopts it.
 * Without a lost answer the app makes no extra Jira call (the call log is the proof).
 */
import { adfToText } from '../../src/sandbox/jira-sim/adf';
import { IncidentKeys, type IncidentRecord } from '../../src/forge/incidents/incident-store';
import { NOTE_COMMENT_PROPERTY } from '../../src/forge/domain/incidents';
import { impactSandboxForSuite } from '../support/impact-sandbox';

jest.setTimeout(60_000);

const env = impactSandboxForSuite();
const JANE = { kind: 'person' as const, user: { email: 'jane.doe@example.com', name: 'Jane Doe' } };
const INCIDENT = 'INC-970';

const issue = () => [...env.jira.state.issues.values()].find((i) => i.key === env.issueKeyOf(INCIDENT))!;
const commentsWith = (text: string) => issue().comments.filter((c) => adfToText(c.body).includes(text));
const appCalls = (since: number) =>
  env.jira.callLog
    .entries()
    .slice(since)
    .filter((e) => e.actorIsApp && (e.route.includes('comment') || e.route === '/rest/api/3/comment/list'))
    .map((e) => `${e.method} ${e.route} ${e.status}`);
const pairOf = (noteId: string) => env.kvsValue<IncidentRecord>(IncidentKeys.record(INCIDENT))?.notes?.find((p) => p.noteId === noteId);

describe('a note → comment create whose answer is lost makes no second comment', () => {
  beforeAll(async () => {
    env.impact.admin.createIncident({ id: INCIDENT, title: 'Checkout errors', priority: 2 });
    await env.settleAll();
  });

  test('steady state: one POST with the property, no lookup (0 extra Jira calls)', async () => {
    const since = env.jira.callLog.entries().length;
    const { note } = env.impact.notes.create(INCIDENT, { message: 'Feature flag off' }, JANE);
    await env.settleAll();
    expect(commentsWith('Feature flag off')).toHaveLength(1);
    expect(appCalls(since)).toEqual(['POST /rest/api/3/issue/{issueIdOrKey}/comment 201']);
    expect(commentsWith('Feature flag off')[0]!.properties).toEqual({ [NOTE_COMMENT_PROPERTY]: { incidentId: INCIDENT, noteId: note.id, noteVersion: note.version } });
    expect(pairOf(note.id)).toMatchObject({ commentId: commentsWith('Feature flag off')[0]!.id, origin: 'impact' });
    expect(pairOf(note.id)).not.toHaveProperty('creating');
  });

  test('the answer is dropped: the retry finds the comment by its property and adopts it; edits then follow it', async () => {
    const since = env.jira.callLog.entries().length;
    env.jira.faults.inject('POST /rest/api/3/issue/*/comment', { kind: 'drop-response', times: 1 });
    const { note } = env.impact.notes.create(INCIDENT, { message: 'Rolled back v7' }, JANE);
    await env.until(() => pairOf(note.id)?.commentId != null, 'the pair stored after the retry');
    await env.settleAll();

    const copies = commentsWith('Rolled back v7');
    expect(copies).toHaveLength(1);
    expect(pairOf(note.id)).toMatchObject({ commentId: copies[0]!.id, noteVersion: note.version });
    expect(pairOf(note.id)).not.toHaveProperty('creating');
    // One create (its answer lost), then the lookup: one page of comments and their properties; no second POST.
    expect(appCalls(since)).toEqual([
      'POST /rest/api/3/issue/{issueIdOrKey}/comment 0',
      'GET /rest/api/3/issue/{issueIdOrKey}/comment 200',
      'POST /rest/api/3/comment/list 200',
    ]);

    // The adopted comment is the note's copy from now on: an edit in Impact edits it, no new comment.
    const editsFrom = env.jira.callLog.entries().length;
    env.impact.notes.edit(INCIDENT, note.id, 'Rolled back v7 (and v6)', JANE);
    await env.settleAll();
    expect(commentsWith('Rolled back v7')).toHaveLength(1);
    expect(adfToText(commentsWith('Rolled back v7')[0]!.body).trim()).toBe('Jane Doe in Impact: Rolled back v7 (and v6)');
    expect(appCalls(editsFrom)).toEqual(['PUT /rest/api/3/issue/{issueIdOrKey}/comment/{id} 200']);
  });

  test('the answer is dropped and the lookup is refused once: the third attempt still finds the one comment', async () => {
    env.jira.faults.inject('POST /rest/api/3/issue/*/comment', { kind: 'drop-response', times: 1 });
    env.jira.faults.inject('GET /rest/api/3/issue/*/comment', { kind: 'status', status: 429, retryAfterSeconds: 1, times: 1 });
    const { note } = env.impact.notes.create(INCIDENT, { message: 'DB failover done' }, JANE);
    await env.until(() => pairOf(note.id)?.commentId != null, 'the pair stored after two retries');
    await env.settleAll();
    expect(commentsWith('DB failover done')).toHaveLength(1);
    // Every comment the app wrote for this incident is one note's only copy.
    const noteIds = issue()
      .comments.map((c) => (c.properties?.[NOTE_COMMENT_PROPERTY] as { noteId?: string } | undefined)?.noteId)
      .filter((id): id is string => id !== undefined);
    expect(new Set(noteIds).size).toBe(noteIds.length);
    expect(noteIds).toHaveLength(3);
  });
});
