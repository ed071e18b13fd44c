/**
 * Notes → comments and follow-up text through the whole sandbox (relay, Forge host, Jira and Impact simulators).
 * 1. Impact notes → Jira comments: Jira calls per note when no answer is lost (target 1.00: the POST, no lookup)
 *    and per note whose create answer is dropped (POST, then 1 page of comments + their properties), and
 *    comments per note (target 1.00: never a second comment).
 * 2. Follow-up issues: a person's summary edit in Jira → Impact title, and an Impact title edit → Jira: Jira and
 *    Impact calls per edit, echo writes (target 0: no write on the side a change came from).
 */
import { jiraRequest } from '../test/support/jira-as-person';
import { startIncidentBenchSandbox } from './incident-sandbox';
import { NOTE_COMMENT_PROPERTY } from '../src/forge/domain/incidents';

const JANE = { kind: 'person' as const, user: { email: 'jane.doe@example.com', name: 'Jane Doe' } };

export async function benchIncidentNotes(incidents = 10, notesEach = 3, lost = 5): Promise<void> {
  const { env, impact, jira, appCalls, apiCalls, settleAll } = await startIncidentBenchSandbox();
  const appComments = () => [...jira.state.issues.values()].flatMap((i) => i.comments.filter((c) => c.properties?.[NOTE_COMMENT_PROPERTY] !== undefined));
  const ids = Array.from({ length: incidents }, (_, i) => `BNOTE-${i}`);
  try {
    for (const id of ids) impact.admin.createIncident({ id, title: `Bench notes ${id}` });
    await settleAll();

    // 1a. Notes with every answer delivered.
    let before = appCalls().length;
    for (let n = 0; n < notesEach; n += 1) for (const id of ids) impact.notes.create(id, { message: `note ${n}` }, JANE);
    await settleAll();
    const notes = incidents * notesEach;
    console.log(`notes ${notes}: Jira calls per note              ${((appCalls().length - before) / notes).toFixed(2)}   (target 1.00)`);

    // 1b. Notes whose create answer is lost (Jira commits, the connection drops): the queue retries them.
    before = appCalls().length;
    jira.faults.inject('POST /rest/api/3/issue/*/comment', { kind: 'drop-response', times: lost });
    const started = performance.now();
    for (let n = 0; n < lost; n += 1) impact.notes.create(ids[n % ids.length]!, { message: `lost answer ${n}` }, JANE);
    const total = notes + lost;
    while (appComments().length < total || jira.faults.list().length > 0 || appCalls().slice(before).filter((e) => e.route === '/rest/api/3/comment/list').length < lost) {
      if (performance.now() - started > 60_000) throw new Error('the notes with lost answers were not copied within 60 s');
      await new Promise((r) => setTimeout(r, 50));
    }
    await settleAll();
    const lostCalls = appCalls().slice(before);
    console.log(`notes with a lost answer ${lost}: Jira calls per note ${(lostCalls.length / lost).toFixed(2)}   (POST + 1 comment page + 1 properties read)`);
    console.log(`comments per note                        ${(appComments().length / total).toFixed(2)}   (target 1.00)`);

    // 2. Follow-up text both ways.
    for (const id of ids) impact.followUps.create(id, { title: `Follow-up of ${id}`, description: 'Do the thing.', status: 'OPEN', assignee: null }, JANE);
    await settleAll();
    const followUps = ids.map((id) => ({ id, fu: impact.followUps.list(id)[0]! }));
    let jiraBefore = appCalls().length;
    let impactBefore = apiCalls().length;
    for (const { fu } of followUps) {
      await jiraRequest(env.sandbox.urls.jira, 'bob@example.com', 'PUT', `/rest/api/3/issue/${fu.external_issue!.key}`, { fields: { summary: `${fu.title}, edited in Jira` } });
    }
    await settleAll();
    let jiraSide = appCalls().slice(jiraBefore);
    let impactSide = apiCalls().slice(impactBefore);
    console.log(`follow-up summary edits in Jira ${incidents}: Jira calls per edit ${(jiraSide.length / incidents).toFixed(2)}, Impact calls per edit ${(impactSide.length / incidents).toFixed(2)}, echo writes to Jira ${jiraSide.filter((e) => e.method !== 'GET').length}   (target 1.00, 2.00, 0)`);
    jiraBefore = appCalls().length;
    impactBefore = apiCalls().length;
    for (const { id, fu } of followUps) impact.followUps.update(id, fu.id, { title: `${fu.title}, edited in Impact` }, JANE);
    await settleAll();
    jiraSide = appCalls().slice(jiraBefore);
    impactSide = apiCalls().slice(impactBefore);
    console.log(`follow-up title edits in Impact ${incidents}: Jira calls per edit ${(jiraSide.length / incidents).toFixed(2)}, echo writes to Impact ${impactSide.filter((e) => e.method !== 'GET').length}   (target 2.00: read + PUT, 0)`);
  } finally {
    await env.close();
  }
}
