import { z } from 'zod';
import { relayWireEventSchema } from '../shared/relay-envelope';

/**
 * Everything the app puts on its async queue. The consumer parses the body with this schema and
 * switches on `kind`; adding a kind makes the compiler point at every switch that must handle it.
 */
export const relayEventsJobSchema = z.object({
  kind: z.literal('relay-events'),
  groupKey: z.string().min(1),
  /** Whole events and parts of large ones (src/forge/relay-intake joins parts before anything applies them). */
  events: z.array(relayWireEventSchema).min(1),
});

/** One invocation's worth of a tracked project's sync (see src/forge/projects/sync-runner.ts). */
export const projectSyncJobSchema = z.object({
  kind: z.literal('project-sync'),
  projectId: z.string().min(1),
  /**
   * `finish`: only the end of a sync whose last page was read late in its invocation: the full sync's sweep (when
   * `sweep`) and the metrics recount, in an invocation of their own so neither runs into the time limit.
   */
  mode: z.enum(['incremental', 'full', 'finish']).default('incremental'),
  sweep: z.boolean().optional(),
});
export type ProjectSyncJob = z.infer<typeof projectSyncJobSchema>;

/** A Jira change of an incident issue to write to Impact again (a failed delivery being retried). */
export const jiraChangeJobSchema = z.object({
  kind: z.literal('jira-change'),
  /** Failed-delivery id, so a retry that fails again replaces its record. */
  id: z.string().regex(/^[0-9A-Za-z_-]{8,64}$/),
  change: z.object({
    issueId: z.string().min(1),
    items: z.array(z.object({ field: z.string(), fieldId: z.string().optional(), from: z.string().nullable().optional(), to: z.string().nullable().optional(), fromString: z.string().nullable().optional(), toString: z.string().nullable().optional() }).loose()),
    actorIsApp: z.boolean(),
    occurredAt: z.number(),
  }),
});
export type JiraChangeJob = z.infer<typeof jiraChangeJobSchema>;

/**
 * "Resync now" on an incident issue: read the incident from Impact and make Jira match it. Queued with the
 * incident's relay concurrency key, so it never runs alongside that incident's webhooks.
 */
export const incidentResyncJobSchema = z.object({
  kind: z.literal('incident-resync'),
  incidentId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  /** Matches the request the panel polls for (incident-resync:<incidentId>). */
  requestId: z.string().regex(/^[0-9A-Za-z_-]{8,40}$/),
  /** When the panel asked (ms): the delivery log and failed-delivery lines are filed under it. */
  requestedAt: z.number().int().nonnegative(),
  /** Whose values win: Impact's (the default, Jira is brought to them) or Jira's (Impact is brought to them). */
  side: z.enum(['impact', 'jira']).optional(),
});
export type IncidentResyncJob = z.infer<typeof incidentResyncJobSchema>;

/**
 * A person's comment on an incident issue written (created or edited) or deleted, to copy to its Impact note
 * (queued in the incident's lane). `action` and `updated` are optional: jobs queued before edits were copied.
 */
export const jiraCommentJobSchema = z.object({
  kind: z.literal('jira-comment'),
  comment: z.object({
    issueId: z.string().min(1),
    commentId: z.string().min(1),
    authorAccountId: z.string().min(1),
    text: z.string().max(20_000),
    action: z.enum(['written', 'deleted']).optional(),
    updated: z.number().optional(),
  }),
});
export type JiraCommentJob = z.infer<typeof jiraCommentJobSchema>;

/** A user-directory run (people/run-directory.ts): daily from the people trigger, or an admin's "Run now". */
export const userDirectoryJobSchema = z.object({ kind: z.literal('user-directory') });
/** MTTA/MTTR of Impact incidents recomputed (people/incident-metrics.ts): hourly, or "Recompute now". */
export const incidentMetricsJobSchema = z.object({ kind: z.literal('incident-metrics') });

/**
 * "Link by hand" of an issue to an open alert problem (issue panel): the record is written in the problem's
 * relay lane (the concurrency key of its Alertmanager group), so it never races that group's notifications.
 */
export const alertLinkJobSchema = z.object({
  kind: z.literal('alert-link'),
  problemKey: z.string().regex(/^am:(fp|grp):[0-9a-f]{32}$/),
  /** The issue as the app read it when the link was asked for. */
  issue: z.object({ id: z.string().min(1), key: z.string().min(1), status: z.object({ id: z.string(), name: z.string(), category: z.enum(['new', 'indeterminate', 'done', 'unknown']) }) }),
  /** Matches the request the panel polls for (alert-link:<issueId>). */
  requestId: z.string().regex(/^[0-9A-Za-z_-]{8,64}$/),
});
export type AlertLinkJob = z.infer<typeof alertLinkJobSchema>;

/**
 * A person changed a follow-up issue's status, summary or description in Jira: bring its Impact follow-up
 * along (the incident's lane). The kind keeps its first name so jobs queued before the text flowed back still parse.
 */
export const followUpStatusJobSchema = z.object({
  kind: z.literal('follow-up-status'),
  incidentId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  followUpId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  issueId: z.string().min(1),
  /** What a person changed (absent in jobs queued before title and description flowed back: the status). */
  fields: z.array(z.enum(['status', 'summary', 'description'])).min(1).optional(),
  issueKey: z.string().min(1).optional(),
  /** The change's time (ms), from the event: a newer edit in Impact wins over it. */
  changedAt: z.number().optional(),
});
export type FollowUpStatusJob = z.infer<typeof followUpStatusJobSchema>;

export const queueJobSchema = z.discriminatedUnion('kind', [
  relayEventsJobSchema,
  projectSyncJobSchema,
  jiraChangeJobSchema,
  incidentResyncJobSchema,
  jiraCommentJobSchema,
  alertLinkJobSchema,
  userDirectoryJobSchema,
  incidentMetricsJobSchema,
  followUpStatusJobSchema,
]);
export type QueueJob = z.infer<typeof queueJobSchema>;
export type RelayEventsJob = z.infer<typeof relayEventsJobSchema>;
