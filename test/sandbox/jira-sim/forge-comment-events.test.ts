/**
 * Pins the Forge comment events the Jira simulator emits to Atlassian's Forge events reference,
 * https://developer.atlassian.com/platform/forge/events-reference/jira/ ("Comment events"; quoted in
 * src/sandbox/jira-sim/events.ts), and checks that the app's manifest and trigger agree with it:
 * - `avi:jira:commented:issue` "is sent each time a comment is created or edited" (no `avi:jira:updated:comment`);
 * - `avi:jira:mentioned:comment` "is sent each time users are mentioned when a comment is created or edited.
 *   All users mentioned in the comment are included in one event.";
 * - `avi:jira:deleted:comment` "is sent each time a comment is deleted", and "cascading events aren't emitted";
 * - each needs the `read:jira-work` scope.
 * Cross-checked against @forge/manifest's product-event-to-scope-mapping.json (generated from Atlassian's event
 * registry), which lists the same three Jira comment events and the same scope.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { handleIssueUpdated } from '../../../src/forge/entry/trigger/issue-updated';
import { IncidentKeys } from '../../../src/forge/incidents/incident-store';
import type { JobToPush } from '../../../src/forge/ports/job-queue';
import { FORGE_JIRA_EVENTS_REFERENCE, SANDBOX_USERS, type IssueEvent } from '../../../src/sandbox/jira-sim';
import { InMemoryStore } from '../../support/in-memory-store';
import { adf, call, createIncident, seededSim, testClock } from './helpers';

const DOC = 'https://developer.atlassian.com/platform/forge/events-reference/jira/';

/** The documented payload of each comment event: required and "[Optional]" fields, and its scope. */
const DOCUMENTED: Record<string, { readonly required: readonly string[]; readonly optional: readonly string[]; readonly scope: string }> = {
  'avi:jira:commented:issue': { required: ['eventType', 'issue', 'comment'], optional: ['atlassianId', 'associatedUsers'], scope: 'read:jira-work' },
  'avi:jira:mentioned:comment': { required: ['eventType', 'issue', 'mentionedAccountIds', 'comment'], optional: ['atlassianId'], scope: 'read:jira-work' },
  'avi:jira:deleted:comment': { required: ['eventType', 'issue', 'comment'], optional: ['atlassianId'], scope: 'read:jira-work' },
};

/** The simulator's own field: `actorIsApp` never reaches a trigger (the host drops it). */
const SIMULATOR_ONLY = ['actorIsApp'];

/** The comment object: "including its author, body content" [D]; Jira's REST comment fields besides [U]. */
const COMMENT_FIELDS = ['id', 'author', 'body', 'updateAuthor', 'created', 'updated'];

const dave = { user: SANDBOX_USERS.dave.accountId };
const mentioning = (text: string, ...accountIds: string[]): unknown => ({
  type: 'doc',
  version: 1,
  content: [{ type: 'paragraph', content: [{ type: 'text', text }, ...accountIds.map((id) => ({ type: 'mention', attrs: { id, text: `@${id}` } }))] }],
});

async function commentLifecycle() {
  const clock = testClock();
  const sim = seededSim(clock);
  const { key, id } = await createIncident(sim);
  const events: IssueEvent[] = [];
  sim.onIssueEvent((e) => events.push(e));
  const { bob, carol } = SANDBOX_USERS;
  const posted = (await (await call(sim, 'POST', `/rest/api/3/issue/${key}/comment`, { body: mentioning('over to ', bob.accountId, carol.accountId, bob.accountId) }, dave)).json()) as { id: string };
  clock.advance(5000);
  expect((await call(sim, 'PUT', `/rest/api/3/issue/${key}/comment/${posted.id}`, { body: adf('no mention now') }, dave)).status).toBe(200);
  clock.advance(5000);
  expect((await call(sim, 'DELETE', `/rest/api/3/issue/${key}/comment/${posted.id}`, undefined, dave)).status).toBe(204);
  return { sim, events, key, id, commentId: posted.id };
}

describe(`Forge comment events, as documented at ${DOC}`, () => {
  it('the simulator cites the page it follows', () => {
    expect(FORGE_JIRA_EVENTS_REFERENCE).toBe(DOC);
  });

  it('the table agrees with @forge/manifest’s event-to-scope mapping: the same Jira comment events, no updated:comment', () => {
    // The package's `exports` hide the file from require.resolve; it is read from the installed package.
    const file = join(__dirname, '../../../node_modules/@forge/manifest/out/mapping/product-event-to-scope-mapping.json');
    const { mapping } = JSON.parse(readFileSync(file, 'utf8')) as { mapping: { productEvent: string; oAuthScopes: { current: string[] } }[] };
    const jiraComment = mapping.filter((m) => m.productEvent.startsWith('avi:jira:') && m.productEvent.includes('comment'));
    expect(jiraComment.map((m) => m.productEvent).sort()).toEqual(Object.keys(DOCUMENTED).sort());
    for (const m of jiraComment) expect(m.oAuthScopes.current).toEqual([DOCUMENTED[m.productEvent]?.scope]);
  });

  it('create (with mentions), edit and delete emit exactly the documented event names; an edit is commented:issue again', async () => {
    const { events, commentId } = await commentLifecycle();
    expect(events.map((e) => e.eventType)).toEqual([
      'avi:jira:commented:issue', // created
      'avi:jira:mentioned:comment', // created with mentions: all of them in one event
      'avi:jira:commented:issue', // edited (Forge has no avi:jira:updated:comment)
      'avi:jira:deleted:comment',
    ]);
    const [created, mentioned, edited] = events;
    expect(mentioned).toMatchObject({ mentionedAccountIds: [SANDBOX_USERS.bob.accountId, SANDBOX_USERS.carol.accountId], comment: { id: commentId } });
    if (created?.eventType !== 'avi:jira:commented:issue' || edited?.eventType !== 'avi:jira:commented:issue') throw new Error('unexpected order');
    expect(edited.comment.id).toBe(created.comment.id);
    const ms = (s: string) => Date.parse(s.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
    expect(ms(edited.comment.updated) - ms(created.comment.updated)).toBe(5000);
    expect(edited.comment.created).toBe(created.comment.created);
  });

  it('each event carries the documented payload fields and no others (besides the simulator’s own)', async () => {
    const { events, id, key } = await commentLifecycle();
    for (const event of events) {
      const documented = DOCUMENTED[event.eventType];
      if (!documented) throw new Error(`${event.eventType} is not a documented comment event`);
      const fields = Object.keys(event).filter((f) => !SIMULATOR_ONLY.includes(f));
      for (const field of documented.required) expect(fields).toContain(field);
      expect(fields.filter((f) => !documented.required.includes(f) && !documented.optional.includes(f))).toEqual([]);
      expect(event).toMatchObject({ issue: { id, key } });
      // No `timestamp` (undocumented): a receiver takes the change time from the issue's `updated` field.
      expect(event).not.toHaveProperty('timestamp');
      expect(typeof event.issue.fields['updated']).toBe('string');
      if ('comment' in event) expect(Object.keys(event.comment).sort()).toEqual([...COMMENT_FIELDS].sort());
    }
  });

  it('deleting an issue sends no event for its comments ("cascading events aren’t emitted")', async () => {
    const sim = seededSim(testClock());
    const { key } = await createIncident(sim);
    await call(sim, 'POST', `/rest/api/3/issue/${key}/comment`, { body: adf('soon gone') }, dave);
    const events: IssueEvent[] = [];
    sim.onIssueEvent((e) => events.push(e));
    expect((await call(sim, 'DELETE', `/rest/api/3/issue/${key}`)).status).toBe(204);
    expect(events.map((e) => e.eventType)).toEqual(['avi:jira:deleted:issue']);
  });

  it('the manifest subscribes to documented comment events only, with their scope and ignoreSelf', () => {
    const manifest = parse(readFileSync(join(__dirname, '../../../manifest.yml'), 'utf8')) as {
      modules: { trigger: { key: string; events: string[]; filter?: { ignoreSelf?: boolean } }[] };
      permissions: { scopes: string[] };
    };
    const subscribed = manifest.modules.trigger.flatMap((t) => t.events);
    expect(subscribed).not.toContain('avi:jira:updated:comment');
    const commentEvents = subscribed.filter((e) => e.includes('comment'));
    expect(commentEvents.sort()).toEqual(['avi:jira:commented:issue', 'avi:jira:deleted:comment']);
    for (const event of commentEvents) expect(manifest.permissions.scopes).toContain(DOCUMENTED[event]?.scope);
    const trigger = manifest.modules.trigger.find((t) => t.events.includes('avi:jira:commented:issue'));
    expect(trigger?.filter?.ignoreSelf).toBe(true);
  });
});

describe('the app’s issue-updated trigger reads only what the documented payload guarantees', () => {
  async function deliver(event: unknown): Promise<{ result: string; pushed: JobToPush[] }> {
    const store = new InMemoryStore();
    await store.set(IncidentKeys.byIssue('10077'), 'INC-7');
    const pushed: JobToPush[] = [];
    const deps = {
      store,
      clock: { now: () => Date.parse('2026-12-06T10:00:00Z') },
      logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
      queue: { push: async (jobs: readonly JobToPush[]) => void pushed.push(...jobs) },
    };
    return { result: await handleIssueUpdated(event, deps), pushed };
  }

  it('an edit with only the required fields (no atlassianId, associatedUsers, updateAuthor, updated) is still copied', async () => {
    const { result, pushed } = await deliver({ eventType: 'avi:jira:commented:issue', issue: { id: '10077', key: 'INC-77' }, comment: { id: '20001', body: adf('edited text'), author: { accountId: 'acc-dave' } } });
    expect(result).toBe('incident-queued');
    expect(pushed.map((j) => j.body)).toEqual([{ kind: 'jira-comment', comment: { issueId: '10077', commentId: '20001', authorAccountId: 'acc-dave', text: 'edited text', action: 'written' } }]);
  });

  it('a deletion with only the required fields is copied as a deletion', async () => {
    const { pushed } = await deliver({ eventType: 'avi:jira:deleted:comment', issue: { id: '10077', key: 'INC-77' }, comment: { id: '20001', body: adf('gone') } });
    expect(pushed.map((j) => j.body)).toEqual([{ kind: 'jira-comment', comment: { issueId: '10077', commentId: '20001', authorAccountId: 'unknown', text: '', action: 'deleted' } }]);
  });

  it('a mention event (not subscribed) would not be taken for a comment change', async () => {
    const { result, pushed } = await deliver({ eventType: 'avi:jira:mentioned:comment', issue: { id: '10077', key: 'INC-77' }, mentionedAccountIds: ['acc-bob'], comment: { id: '20001', body: adf('hi') } });
    expect(result).toBe('ignored');
    expect(pushed).toEqual([]);
  });
});
