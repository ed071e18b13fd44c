/** Workflow validators in the Jira simulator: Jira's documented payload, and refusal whenever the validator cannot say yes. */
import { INCIDENT_STATUS, VALIDATOR_FAILED_MESSAGE, type WorkflowValidatorCall } from '../../../src/sandbox/jira-sim';
import { call, createIncident, seededSim, testClock } from './helpers';

const CLOSE_FROM_INCOMING = '31';
const TO_PENDING = '11';

function simWithValidator() {
  const sim = seededSim(testClock());
  const workflow = sim.state.findProject('OPS')!.workflow;
  sim.workflowValidators.attach(workflow.name, [CLOSE_FROM_INCOMING], 'v1');
  return sim;
}

/** A validator that lets every transition through, counting how often Jira asked it. */
function allowingRunner(sim: ReturnType<typeof seededSim>): { readonly runs: number } {
  const counter = { runs: 0 };
  sim.workflowValidators.setRunner(async () => {
    counter.runs += 1;
    return { result: true };
  });
  return counter;
}

const transition = (sim: ReturnType<typeof seededSim>, key: string, id: string) => call(sim, 'POST', `/rest/api/3/issue/${key}/transitions`, { transition: { id } }, { email: 'bob@example.com' });

describe('workflow validators on simulator transitions', () => {
  it('calls the runner with Jira’s payload (issue key, from/to status ids) and refuses with its message', async () => {
    const sim = simWithValidator();
    const { key } = await createIncident(sim);
    const calls: WorkflowValidatorCall[] = [];
    sim.workflowValidators.setRunner(async (c) => {
      calls.push(c);
      return { result: false, errorMessage: 'Not yet.' };
    });
    const res = await transition(sim, key, CLOSE_FROM_INCOMING);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ errorMessages: ['Not yet.'], errors: {} });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.validatorKey).toBe('v1');
    expect(calls[0]!.payload).toEqual({ issue: { key }, transition: { from: { id: INCIDENT_STATUS.incoming.id }, to: { id: INCIDENT_STATUS.closed.id } } });
    expect(sim.state.findIssue(key)!.statusId).toBe(INCIDENT_STATUS.incoming.id);
  });

  it('lets the transition through on {result: true}; transitions without the validator never call it', async () => {
    const sim = simWithValidator();
    const { key } = await createIncident(sim);
    const allowing = allowingRunner(sim);
    expect((await transition(sim, key, TO_PENDING)).status).toBe(204);
    expect(allowing.runs).toBe(0);
    const other = await createIncident(sim);
    expect((await transition(sim, other.key, CLOSE_FROM_INCOMING)).status).toBe(204);
    expect(allowing.runs).toBe(1);
    expect(sim.state.findIssue(other.key)!.statusId).toBe(INCIDENT_STATUS.closed.id);
  });

  it.each([
    ['no app installed', undefined],
    ['the function throws', () => Promise.reject(new Error('boom'))],
    ['a non-boolean result', () => Promise.resolve({ result: 'yes' })],
    ['false without a message', () => Promise.resolve({ result: false })],
  ] as const)('refuses when %s', async (_name, runner) => {
    const sim = simWithValidator();
    const { key } = await createIncident(sim);
    if (runner) sim.workflowValidators.setRunner(runner);
    const res = await transition(sim, key, CLOSE_FROM_INCOMING);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ errorMessages: [VALIDATOR_FAILED_MESSAGE], errors: {} });
    expect(sim.state.findIssue(key)!.statusId).toBe(INCIDENT_STATUS.incoming.id);
  });

  it('an unknown transition id is still Jira’s own 400, without calling validators', async () => {
    const sim = simWithValidator();
    const { key } = await createIncident(sim);
    const allowing = allowingRunner(sim);
    expect((await transition(sim, key, '999')).status).toBe(400);
    expect(allowing.runs).toBe(0);
  });
});
