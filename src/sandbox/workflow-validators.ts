/**
 * The app's workflow validators on the simulated site: Jira (jira-sim) calls them through the local Forge
 * host, as Jira Cloud invokes a Forge `jira:workflowValidator` function on each transition that carries it.
 */
import type { ForgeHost } from './forge-host';
import type { JiraSimulator } from './jira-sim';

/** The manifest's `jira:workflowValidator` key for "Post-mortem done before closing". */
export const CLOSURE_VALIDATOR_KEY = 'incident-closure';

/**
 * Installs the host as the app answering validator calls, and puts the closure validator on every transition of
 * the OPS workflow that ends in a done status (what README's setup step asks an admin to do). Returns the undo.
 */
export function connectWorkflowValidators(jira: JiraSimulator, forge: ForgeHost, projectKey = 'OPS'): () => void {
  const uninstall = jira.workflowValidators.setRunner(async (call) => {
    const result = await forge.runWorkflowValidator(call.validatorKey, call.payload);
    switch (result.kind) {
      case 'ok':
        return result.value;
      case 'error':
        throw result.error;
      case 'timeout':
        throw new Error(`validator ${call.validatorKey} timed out after ${result.limitMs} ms`);
    }
  });
  const workflow = jira.state.findProject(projectKey)?.workflow;
  if (workflow) {
    const done = new Set(workflow.statuses.filter((s) => s.category === 'done').map((s) => s.id));
    jira.workflowValidators.attach(workflow.name, workflow.transitions.filter((t) => done.has(t.to)).map((t) => t.id), CLOSURE_VALIDATOR_KEY);
  }
  return () => {
    uninstall();
    if (workflow) jira.workflowValidators.detach(workflow.name, CLOSURE_VALIDATOR_KEY);
  };
}
