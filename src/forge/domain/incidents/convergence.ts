/**
 * Convergence of the four two-way fields (status, priority, commander, title): the last change a person
 * made, on either side, is what both sides must end up holding.
 *
 * The app keeps a small ledger in the incident record:
 *  - per field, `winner`: the newest person change it has seen (side, value, time of the change there);
 *  - per field, `jira`: the value it last knew Jira holds, because an event told it or the app wrote it
 *    (never from a read: a read that differs reveals a change whose event has not been processed yet);
 *  - `impactVersion`: the newest incident version it has processed (webhooks, its own writes). Impact's
 *    version makes "is there an unseen change?" exact there (a value can go A → B → A; a version cannot).
 *
 * After every event of the incident (both directions run in the incident's queue lane, one at a time)
 * the app compares both sides' current values and decides per field:
 *  - both hold the winner's value → nothing;
 *  - a side that does not hold it has an unseen change (Impact: a newer version; Jira: a value other than
 *    the one the app knew) → wait: that change's event is on its way and re-runs the decision; the app
 *    never writes over it blindly;
 *  - otherwise → write the winner's value to every side that does not hold it. This also restores a
 *    person's value the app overwrote in a race (its Jira write landed just after the person's edit): the
 *    person's event arrives later, newer than the old winner, and both sides get its value. Agreeing is
 *    not enough for "nothing": both may show the value the app wrote over that newer edit.
 *
 * Impact writes are conditional (If-Match on the version the decision was made on, docs/impact-contract.md
 * §2.1): a 409 means Impact changed meanwhile, so the app re-reads once and decides again. Jira has no
 * conditional write, so the app reads the issue before writing (check before write back).
 *
 * Times are the platforms' own change times (Impact `occurred_at`, Jira changelog `created`); on an equal
 * time Impact wins (the incident's system of record), so both sides pick the same winner.
 */
import { IMPACT_STATUSES, type ImpactStatus } from '../../../shared/impact/incident';
import type { Side } from './loop-guard';
import { impactStatusFor, jiraStatusFor, statusesAgree, type StatusMapConfig } from './status-map';
import { GuardValues } from './sync-values';
import { accountIdForEmail, impactUserForAccount, normalizeEmail, type UserLink } from './user-matching';

export const CONVERGED_FIELDS = ['status', 'priority', 'commander', 'title'] as const;
export type ConvergedField = (typeof CONVERGED_FIELDS)[number];

/** A side's value of each field in that side's canonical form (sync-values.ts `GuardValues`). */
export type SideValues = Readonly<Record<ConvergedField, string>>;

export interface Observation {
  readonly value: string;
  readonly at: number;
}

export interface PersonChange {
  readonly side: Side;
  /** Canonical on `side`. */
  readonly value: string;
  readonly at: number;
}

export interface FieldLedger {
  readonly winner: PersonChange | null;
  /** What Jira holds as far as the app knows (events and its own writes). */
  readonly jira: Observation | null;
}

export interface ConvergenceLedger {
  readonly fields: Readonly<Partial<Record<ConvergedField, FieldLedger>>>;
  /** The newest Impact incident version the app has processed; 0 before the first. */
  readonly impactVersion: number;
}

export const EMPTY_LEDGER: ConvergenceLedger = { fields: {}, impactVersion: 0 };

/** On an equal change time the same side wins everywhere. */
export const TIE_WINNER: Side = 'impact';

const EMPTY_FIELD: FieldLedger = { winner: null, jira: null };

function newer(candidate: PersonChange, current: PersonChange | null): boolean {
  if (current === null || candidate.at > current.at) return true;
  return candidate.at === current.at && candidate.side === TIE_WINNER && current.side !== TIE_WINNER;
}

function seeOnJira(field: FieldLedger, observation: Observation): FieldLedger {
  // A delayed event must not undo a fresher observation (an app write after it, or a later event).
  if (field.jira !== null && field.jira.at > observation.at) return field;
  return { ...field, jira: observation };
}

const withField = (ledger: ConvergenceLedger, field: ConvergedField, value: FieldLedger): ConvergenceLedger => ({ ...ledger, fields: { ...ledger.fields, [field]: value } });

/** A change a person (anyone but this app) made on `change.side`, from its event. */
export function observePersonChange(ledger: ConvergenceLedger, field: ConvergedField, change: PersonChange): ConvergenceLedger {
  const current = ledger.fields[field] ?? EMPTY_FIELD;
  const seen = change.side === 'jira' ? seeOnJira(current, { value: change.value, at: change.at }) : current;
  return withField(ledger, field, { ...seen, winner: newer(change, current.winner) ? change : current.winner });
}

/** The app wrote `value` to Jira at `at` (or created the issue with it): Jira holds it now. */
export function observeJiraWrite(ledger: ConvergenceLedger, field: ConvergedField, value: string, at: number): ConvergenceLedger {
  return withField(ledger, field, seeOnJira(ledger.fields[field] ?? EMPTY_FIELD, { value, at }));
}

/** An Impact version the app has processed: a webhook (ours or not) or the answer to its own write. */
export function observeImpactVersion(ledger: ConvergenceLedger, version: number): ConvergenceLedger {
  return version > ledger.impactVersion ? { ...ledger, impactVersion: version } : ledger;
}

/** How one field's values translate between the sides (status map, priority field, user pairs). */
export interface FieldTranslation {
  /** Both sides show the same state (several statuses of one side may stand for one of the other). */
  agree(field: ConvergedField, impactValue: string, jiraValue: string): boolean;
  /** The Jira value for an Impact value; null when Jira cannot hold it (no account for the commander). */
  toJira(field: ConvergedField, impactValue: string): string | null;
  /** The Impact value for a Jira value; null when Impact cannot hold it (unmapped status, unknown user). */
  toImpact(field: ConvergedField, jiraValue: string): string | null;
}

export type FieldDecision =
  | { readonly field: ConvergedField; readonly kind: 'in-sync' }
  | { readonly field: ConvergedField; readonly kind: 'write'; readonly writes: readonly { readonly side: Side; readonly value: string }[]; readonly winner: PersonChange }
  /** `side` holds a change whose event has not been processed: that event decides (it re-runs this). */
  | { readonly field: ConvergedField; readonly kind: 'wait'; readonly side: Side }
  /** The winner's value cannot be expressed on `side`: the sides stay apart (reported as out of sync). */
  | { readonly field: ConvergedField; readonly kind: 'untranslatable'; readonly side: Side; readonly winner: PersonChange }
  /** The sides differ and no person change explains which is right (reported as out of sync). */
  | { readonly field: ConvergedField; readonly kind: 'unknown' };

export interface CurrentValues {
  /** With the version these values are at (a read, a webhook snapshot or the last known state). */
  readonly impact: SideValues & { readonly version: number };
  readonly jira: SideValues;
}

/** Per field, what to do so that both sides hold the last person's value. */
export function decideConvergence(ledger: ConvergenceLedger, current: CurrentValues, translate: FieldTranslation, fields: readonly ConvergedField[] = CONVERGED_FIELDS): FieldDecision[] {
  const unseenOnImpact = current.impact.version > ledger.impactVersion;
  return fields.map((field) => decideField(field, ledger.fields[field] ?? EMPTY_FIELD, unseenOnImpact, current, translate));
}

function decideField(field: ConvergedField, ledger: FieldLedger, unseenOnImpact: boolean, current: CurrentValues, translate: FieldTranslation): FieldDecision {
  const onImpact = current.impact[field];
  const onJira = current.jira[field];
  const winner = ledger.winner;
  if (winner === null) return translate.agree(field, onImpact, onJira) ? { field, kind: 'in-sync' } : { field, kind: 'unknown' };

  // What each side must hold, and whether it already does (in its own terms). Agreeing is not enough:
  // both may show a value the app wrote over a newer person change (restored here).
  const holds: Record<Side, boolean> = {
    impact: winner.side === 'impact' ? onImpact === winner.value : translate.agree(field, onImpact, winner.value),
    jira: winner.side === 'jira' ? onJira === winner.value : translate.agree(field, winner.value, onJira),
  };
  if (holds.impact && holds.jira) return { field, kind: 'in-sync' };
  const targets: Record<Side, string | null> = {
    impact: winner.side === 'impact' ? winner.value : translate.toImpact(field, winner.value),
    jira: winner.side === 'jira' ? winner.value : translate.toJira(field, winner.value),
  };
  const sides: Side[] = ['impact', 'jira'];
  // An unseen change on a side comes with its own event, which may be newer than the winner: wait for it.
  const unseen: Record<Side, boolean> = { impact: unseenOnImpact, jira: ledger.jira !== null && ledger.jira.value !== onJira };
  for (const side of sides) if (!holds[side] && unseen[side]) return { field, kind: 'wait', side };
  const writes: { side: Side; value: string }[] = [];
  for (const side of sides) {
    if (holds[side]) continue;
    const target = targets[side];
    if (target === null) return { field, kind: 'untranslatable', side, winner };
    writes.push({ side, value: target });
  }
  return { field, kind: 'write', writes, winner };
}

/** The translation the sync config defines: status map, priorities 1–5 on both sides, user pairs by email. */
export function fieldTranslation(statuses: StatusMapConfig, users: readonly UserLink[]): FieldTranslation {
  const accountFor = (email: string): string | null => (email === '' ? '' : accountIdForEmail(users, email));
  const emailFor = (accountId: string): string | null => {
    if (accountId === '') return '';
    const user = impactUserForAccount(users, accountId);
    return user ? normalizeEmail(user.email) : null;
  };
  return {
    agree(field, impactValue, jiraValue) {
      switch (field) {
        case 'status':
          // Either map relates them: OPEN shows as Incoming, and a person's "Pending resolution" means OPEN.
          return isImpactStatus(impactValue) && (statusesAgree(statuses, impactValue, jiraValue) || impactStatusFor(statuses, jiraValue) === impactValue);
        case 'commander':
          return accountFor(impactValue) === jiraValue;
        case 'priority':
        case 'title':
          return impactValue === jiraValue;
      }
    },
    toJira(field, impactValue) {
      switch (field) {
        case 'status':
          return isImpactStatus(impactValue) ? GuardValues.jiraStatus(jiraStatusFor(statuses, impactValue)) : null;
        case 'commander':
          return accountFor(impactValue);
        case 'priority':
        case 'title':
          return impactValue;
      }
    },
    toImpact(field, jiraValue) {
      switch (field) {
        case 'status':
          return impactStatusFor(statuses, jiraValue);
        case 'commander':
          return emailFor(jiraValue);
        case 'priority':
          return /^[1-5]$/.test(jiraValue) ? jiraValue : null;
        case 'title':
          return jiraValue === '' ? null : jiraValue;
      }
    },
  };
}

const isImpactStatus = (value: string): value is ImpactStatus => (IMPACT_STATUSES as readonly string[]).includes(value);
