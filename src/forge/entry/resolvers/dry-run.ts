import { z } from 'zod';
import { alertmanagerWebhookSchema } from '../../../shared/alertmanager-webhook';
import {
  admitProblem,
  compileRules,
  decide,
  decideRolled,
  describeStormGuard,
  emptyStormWindow,
  explainSelection,
  issueFields,
  planNotification,
  ruleSchema,
  stormIssueBody,
  stormProblemKey,
  stormWindowOf,
  stormWindowSchema,
  type Command,
  type Decision,
  type IssueRef,
  type Problem,
  type ProblemState,
  type Rule,
} from '../../domain/alerts';
import { stormWindowKey } from '../../alerts/storm-store';
import { loadProblems, withMirror } from '../../alerts/problem-store';
import { loadRules } from '../../alerts/rule-store';
import type { KeyValueStore } from '../../ports/key-value-store';
import type { Logger } from '../../ports/logger';
import type { DryRunReport, DryRunStorm, PlannedJiraCall, ResolverResult } from './contract';
import { invalidZodInput } from './resolver-errors';
import type { PreflightResolverDeps } from './preflight';
import { preflightRule } from '../../preflight/preflight-rule';

export interface DryRunDeps extends PreflightResolverDeps {
  readonly store: KeyValueStore;
  readonly logger: Logger;
  readonly now: () => number;
}

const inputSchema = z.object({
  notification: z.unknown(),
  /** Rules to try instead of the stored ones (an editor's unsaved list). */
  rules: z.array(z.unknown()).max(5000).optional(),
  receivedAt: z.iso.datetime().optional(),
});

/**
 * What a notification would do, executing nothing: for each alert the rule that wins and why every other
 * rule did not; for each problem the rendered summary and description, the commands, and the Jira calls.
 * Known problem state is read (never written) so the answer matches what the consumer would do now.
 */
export async function dryRunAlerts(input: unknown, deps: DryRunDeps): Promise<ResolverResult<DryRunReport>> {
  const parsed = inputSchema.safeParse(input ?? {});
  if (!parsed.success) return invalidZodInput(parsed.error, '');
  const body = alertmanagerWebhookSchema.safeParse(parsed.data.notification);
  if (!body.success) return invalidZodInput(body.error, 'notification.');
  let rules: Rule[];
  if (parsed.data.rules) {
    const list = z.array(ruleSchema).safeParse(parsed.data.rules);
    if (!list.success) return invalidZodInput(list.error, 'rules.');
    rules = list.data;
  } else {
    rules = [...(await loadRules(deps.store, deps.logger)).rules];
  }
  const compiled = compileRules(rules);
  const receivedAt = parsed.data.receivedAt ?? new Date(deps.now()).toISOString();
  const alerts = body.data.alerts.map((alert) => {
    const explained = explainSelection(compiled, alert.labels);
    return { fingerprint: alert.fingerprint, status: alert.status, labels: alert.labels, selectedRuleId: explained.selected?.id ?? null, rules: explained.rules };
  });
  const plan = planNotification(body.data, compiled);
  const known = await loadProblems(deps.store, plan.problems.map((p) => p.problem.key));
  const problems = await Promise.all(plan.problems.map(async ({ problem, rule }) => {
    const loaded = known.get(problem.key);
    const state = loaded?.record ? withMirror(loaded.record.state, loaded.mirror) : null;
    const planned = await stormPlan(problem, rule, state, receivedAt, deps.store);
    const decision = planned?.decision ?? decide({ problem, rule, known: state, receivedAt });
    const fields = issueFields(problem, rule, { firstSeen: state?.firstSeen ?? receivedAt, lastSeen: receivedAt });
    return {
      problemKey: problem.key,
      ruleId: rule.id,
      grouping: problem.grouping,
      knownIssueKey: state?.issue?.key ?? null,
      summary: fields.summary,
      description: fields.description,
      commands: decision.commands,
      jiraCalls: decision.commands.flatMap(callsFor),
      ...(planned ? { storm: planned.storm } : {}),
    };
  }));
  // Pre-flight of each winning rule's target (issue 16), read as the user: 1–2 Jira calls per distinct rule.
  const winners = [...new Map(plan.problems.map(({ rule }) => [rule.id, rule])).values()];
  const port = deps.createMeta;
  const preflight = port ? await Promise.all(winners.map(async (rule) => ({ ruleId: rule.id, ...(await preflightRule(rule, port)) }))) : undefined;
  return { ok: true, value: { alerts, skipped: plan.skipped, problems, ...(preflight ? { preflight } : {}) } };
}

/**
 * The storm guard's part, read-only (what the consumer's apply-notification.ts would do now): a problem already
 * rolled keeps commenting on its storm issue; a new issue is counted against the window of `receivedAt`
 * (one KVS read), and past the limit becomes a comment on the storm issue (created first if the window has none).
 */
async function stormPlan(problem: Problem, rule: Rule, state: ProblemState | null, receivedAt: string, store: KeyValueStore): Promise<{ decision: Decision; storm: DryRunStorm } | undefined> {
  const guard = rule.stormGuard;
  const stormOf = (windowStartMs: number, used: number, verdict: DryRunStorm['verdict'], stormIssueKey: string | null): DryRunStorm => ({
    guard: guard ? describeStormGuard(guard) : '(guard removed since it rolled)',
    windowStart: new Date(windowStartMs).toISOString(),
    used,
    maxNewIssues: guard?.maxNewIssues ?? 0,
    verdict,
    stormIssueKey,
  });
  const readWindow = async (ref: { ruleId: string; windowStartMs: number }) => {
    const parsed = stormWindowSchema.safeParse(await store.get(stormWindowKey(ref)));
    return parsed.success ? parsed.data : emptyStormWindow(ref);
  };
  if (state?.storm && state.issue) {
    const rolled = decideRolled({ problem, rule, known: state, receivedAt }, state.issue.key, state.storm);
    if (!rolled.escape) return { decision: rolled.decision, storm: stormOf(state.storm.windowStartMs, (await readWindow(state.storm)).admitted.length, 'rolled', state.issue.key) };
  }
  if (!guard) return undefined;
  const plain = decide({ problem, rule, known: state, receivedAt });
  if (!plain.commands.some((c) => c.kind === 'create')) return undefined;
  const ref = stormWindowOf(rule.id, guard, receivedAt);
  const window = await readWindow(ref);
  const admitted = admitProblem(window, problem.key, guard);
  if (admitted.admission !== 'rolled') return { decision: plain, storm: stormOf(ref.windowStartMs, window.admitted.length, admitted.admission, null) };
  const stormKey = stormProblemKey(ref);
  const stormIssue = (await loadProblems(store, [stormKey])).get(stormKey)?.record?.state.issue?.key ?? null;
  const rolled = decideRolled({ problem, rule, known: state ? { ...state, issue: null } : null, receivedAt }, stormIssue ?? STORM_PLACEHOLDER, ref);
  if (rolled.escape) return undefined;
  const create: Command[] = stormIssue ? [] : [{ kind: 'create', problemKey: stormKey, body: stormIssueBody(rule, guard, ref, problem, { firstSeen: receivedAt, lastSeen: receivedAt }) }];
  const commands = [...create, ...rolled.decision.commands.map((c) => (c.kind === 'comment' && !stormIssue ? { ...c, issue: { kind: 'created' as const } } : c))];
  return { decision: { ...rolled.decision, commands }, storm: stormOf(ref.windowStartMs, window.admitted.length, 'rolled', stormIssue) };
}

const STORM_PLACEHOLDER = '{storm issue}';

function ref(issue: IssueRef): string {
  return issue.kind === 'existing' ? issue.key : '{new issue}';
}

/** The REST calls the consumer would make; transitions by name may first need one (cached) lookup. */
function callsFor(command: Command): PlannedJiraCall[] {
  switch (command.kind) {
    case 'create':
      return [{ method: 'POST', path: '/rest/api/3/issue', body: command.body, purpose: 'create the issue (entity property included)' }];
    case 'comment':
      return [{ method: 'POST', path: `/rest/api/3/issue/${ref(command.issue)}/comment`, body: { body: command.body }, purpose: 'comment what changed' }];
    case 'transition': {
      const post: PlannedJiraCall = { method: 'POST', path: `/rest/api/3/issue/${ref(command.issue)}/transitions`, body: { transition: command.target.by === 'id' ? { id: command.target.id } : { id: '{looked up}' } }, purpose: `${command.purpose} the issue` };
      if (command.target.by === 'id') return [post];
      return [{ method: 'GET', path: `/rest/api/3/issue/${ref(command.issue)}/transitions`, purpose: 'find the transition id (only when not cached for this project and status)' }, post];
    }
    case 'link':
      return [{ method: 'POST', path: '/rest/api/3/issueLink', body: { type: command.linkType, inwardIssue: { key: ref(command.inwardIssue) }, outwardIssue: { key: ref(command.outwardIssue) } }, purpose: 'link the new issue to the earlier one' }];
    case 'forget':
    case 'nothing':
      return [];
    default:
      return assertNever(command);
  }
}


function assertNever(x: never): never {
  throw new Error(`unexpected command ${JSON.stringify(x)}`);
}
