import { z } from 'zod';
import { relayEventSchema } from '../shared/relay-envelope';

/**
 * Everything the app puts on its async queue. The consumer parses the body with this schema and
 * switches on `kind`; adding a kind makes the compiler point at every switch that must handle it.
 */
export const relayEventsJobSchema = z.object({
  kind: z.literal('relay-events'),
  groupKey: z.string().min(1),
  events: z.array(relayEventSchema).min(1),
});

/** One invocation's worth of a tracked project's sync (see src/forge/projects/sync-runner.ts). */
export const projectSyncJobSchema = z.object({
  kind: z.literal('project-sync'),
  projectId: z.string().min(1),
  mode: z.enum(['incremental', 'full']).default('incremental'),
});
export type ProjectSyncJob = z.infer<typeof projectSyncJobSchema>;

export const queueJobSchema = z.discriminatedUnion('kind', [relayEventsJobSchema, projectSyncJobSchema]);
export type QueueJob = z.infer<typeof queueJobSchema>;
export type RelayEventsJob = z.infer<typeof relayEventsJobSchema>;
