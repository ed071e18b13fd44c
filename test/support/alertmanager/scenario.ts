import { fixtureAlertSequence, STEP_ORDER, type ScenarioStep } from './alert-sequence';
import { notificationState, stateKey } from './notifications';
import type { RunningAlertmanager } from './start';
import { waitUntil } from './wait';

export interface ScenarioOptions {
  /** Every webhook body Alertmanager has sent so far, in arrival order (e.g. from a WebhookRecorder). */
  readonly deliveries: () => readonly unknown[];
  /** Runs after each step's notifications have arrived (settle the sandbox, assert on Jira, ...). */
  readonly onStep?: (step: ScenarioStep, index: number) => Promise<void> | void;
  /** Bound on waiting for one step's notifications. */
  readonly stepTimeoutMs?: number;
  readonly clock?: () => number;
}

export interface StepReport {
  readonly step: ScenarioStep;
  /** Index into deliveries() when the step's alerts were posted. */
  readonly firstDelivery: number;
  /** Index into deliveries() once every expected notification had arrived. */
  readonly endDelivery: number;
}

/**
 * The captured fixture scenario against a running Alertmanager: HighErrorRate on one checkout instance;
 * then a second instance and DiskFilling; then the second instance resolved; then everything resolved.
 * Each step waits for its notifications before the next post, so every intermediate state is sent.
 */
export async function runFixtureScenario(am: RunningAlertmanager, options: ScenarioOptions): Promise<StepReport[]> {
  const sequence = fixtureAlertSequence(options.clock);
  const reports: StepReport[] = [];
  for (const [index, name] of STEP_ORDER.entries()) {
    const step = sequence.step(name);
    const firstDelivery = options.deliveries().length;
    await am.postAlerts(step.alerts);
    const wanted = step.expect.map(stateKey);
    const seen = (): string[] => options.deliveries().slice(firstDelivery).map((body) => stateKey(notificationState(body)));
    await waitUntil(() => wanted.every((key) => seen().includes(key)), {
      timeoutMs: options.stepTimeoutMs ?? 15_000,
      intervalMs: 50,
      what: `step ${name}: notifications ${JSON.stringify(wanted)}`,
      detail: () => `seen since the post: ${JSON.stringify(seen())}\n${am.logs(15)}`,
    });
    reports.push({ step, firstDelivery, endDelivery: options.deliveries().length });
    await options.onStep?.(step, index);
  }
  return reports;
}
