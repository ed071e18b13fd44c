/**
 * The two workflows of the sandbox site.
 *
 * Incident workflow (project OPS): the statuses are the five Jira statuses of the incident seed
 * (004: "Incoming", "Pending resolution", "in progress", "Reporter validation", "Closed", with their exact
 * spelling). The seed maps Incoming and Pending resolution to Impact OPEN, "in progress" to MITIGATING,
 * "Reporter validation" to MITIGATED and Closed to CLOSED, so the categories are:
 *   Incoming, Pending resolution → new (To Do); in progress, Reporter validation → indeterminate; Closed → done.
 * The seed says transitions exist ("status → Jira status (transitions via workflow)") but not which ones.
 * Our graph (chosen so every Impact→Jira status move in the seed's IMPACT_TO_JIRA map is one transition,
 * except skipping straight from Incoming/Pending resolution to Reporter validation, which takes two):
 *   Incoming            → Pending resolution ("Pending resolution"), in progress ("Start progress"), Closed ("Close")
 *   Pending resolution  → Incoming ("Back to incoming"), in progress ("Start progress"), Closed ("Close")
 *   in progress         → Pending resolution ("Pending resolution"), Reporter validation ("Request validation"), Closed ("Close")
 *   Reporter validation → in progress ("Back to in progress"), Closed ("Validate")
 *   Closed              → Incoming ("Reopen")
 * Transition ids are unique per (from, to) pair; callers must look them up with GET .../transitions.
 *
 * Post-mortem workflow (project PM): To Do ⇄ In Progress → Done, Done → To Do ("Reopen"), To Do → Done.
 *
 * Software workflow (project DEV, added by `seedSoftwareProject`): several done statuses, as real teams have:
 * To Do → In Progress ⇄ In Review → Done; "Won't do" and "Mark as duplicate" from any open status into the done
 * statuses Won't Do and Duplicate (setting the resolutions of the same names); Reopen from any done status.
 * Statuses are site-wide in Jira, so To Do / In Progress / Done are the same statuses (ids) as in PM.
 */
import type { StatusRecord, TransitionRecord, WorkflowRecord } from './model';

const status = (id: string, name: string, category: StatusRecord['category'], description = ''): StatusRecord => ({ id, name, category, description });

export const INCIDENT_STATUS = {
  incoming: status('10001', 'Incoming', 'new', 'A new incident, not yet triaged.'),
  pendingResolution: status('10002', 'Pending resolution', 'new', 'Triaged, waiting for someone to work on it.'),
  inProgress: status('10003', 'in progress', 'indeterminate', 'The incident is being mitigated.'),
  reporterValidation: status('10004', 'Reporter validation', 'indeterminate', 'Mitigated; the reporter checks the fix.'),
  closed: status('10005', 'Closed', 'done', 'The incident is over.'),
} as const;

const t = (id: string, name: string, from: readonly StatusRecord[], to: StatusRecord): TransitionRecord => ({ id, name, from: from.map((s) => s.id), to: to.id });

export function incidentWorkflow(): WorkflowRecord {
  const s = INCIDENT_STATUS;
  return {
    name: 'OPS: Incident workflow',
    initialStatusId: s.incoming.id,
    statuses: [s.incoming, s.pendingResolution, s.inProgress, s.reporterValidation, s.closed],
    transitions: [
      t('11', 'Pending resolution', [s.incoming], s.pendingResolution),
      t('21', 'Start progress', [s.incoming], s.inProgress),
      t('31', 'Close', [s.incoming], s.closed),
      t('41', 'Back to incoming', [s.pendingResolution], s.incoming),
      t('51', 'Start progress', [s.pendingResolution], s.inProgress),
      t('61', 'Close', [s.pendingResolution], s.closed),
      t('71', 'Pending resolution', [s.inProgress], s.pendingResolution),
      t('81', 'Request validation', [s.inProgress], s.reporterValidation),
      t('91', 'Close', [s.inProgress], s.closed),
      t('101', 'Back to in progress', [s.reporterValidation], s.inProgress),
      t('111', 'Validate', [s.reporterValidation], s.closed),
      t('121', 'Reopen', [s.closed], s.incoming),
    ],
  };
}

export const POSTMORTEM_STATUS = {
  todo: status('10011', 'To Do', 'new'),
  inProgress: status('10012', 'In Progress', 'indeterminate'),
  done: status('10013', 'Done', 'done'),
} as const;

export function postmortemWorkflow(): WorkflowRecord {
  const s = POSTMORTEM_STATUS;
  return {
    name: 'PM: Simplified workflow',
    initialStatusId: s.todo.id,
    statuses: [s.todo, s.inProgress, s.done],
    transitions: [
      t('11', 'Start progress', [s.todo], s.inProgress),
      t('21', 'Done', [s.todo, s.inProgress], s.done),
      t('31', 'Back to To Do', [s.inProgress], s.todo),
      t('41', 'Reopen', [s.done], s.todo),
    ],
  };
}

export const SOFTWARE_STATUS = {
  todo: POSTMORTEM_STATUS.todo,
  inProgress: POSTMORTEM_STATUS.inProgress,
  inReview: status('10021', 'In Review', 'indeterminate', 'Done by the author; a reviewer checks it.'),
  done: POSTMORTEM_STATUS.done,
  wontDo: status('10022', "Won't Do", 'done', 'Closed without doing the work.'),
  duplicate: status('10023', 'Duplicate', 'done', 'Closed as a duplicate of another issue.'),
} as const;

export function softwareWorkflow(): WorkflowRecord {
  const s = SOFTWARE_STATUS;
  const open = [s.todo, s.inProgress, s.inReview];
  const closed = [s.done, s.wontDo, s.duplicate];
  return {
    name: 'DEV: Software workflow',
    initialStatusId: s.todo.id,
    statuses: [s.todo, s.inProgress, s.inReview, s.done, s.wontDo, s.duplicate],
    transitions: [
      t('11', 'Start progress', [s.todo], s.inProgress),
      t('21', 'Review', [s.inProgress], s.inReview),
      t('31', 'Back to in progress', [s.inReview], s.inProgress),
      t('41', 'Done', [s.todo, s.inProgress, s.inReview], s.done),
      { ...t('51', "Won't do", open, s.wontDo), resolution: "Won't Do" },
      { ...t('61', 'Mark as duplicate', open, s.duplicate), resolution: 'Duplicate' },
      t('71', 'Reopen', closed, s.todo),
      t('81', 'Back to To Do', [s.inProgress, s.inReview], s.todo),
    ],
  };
}

/** The named workflows `/_sim/projects` accepts (`workflow: "software"`). */
export const NAMED_WORKFLOWS: Readonly<Record<'incident' | 'postmortem' | 'software', () => WorkflowRecord>> = {
  incident: incidentWorkflow,
  postmortem: postmortemWorkflow,
  software: softwareWorkflow,
};
