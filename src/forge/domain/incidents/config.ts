import type { FollowUpSettings } from './follow-ups';
import { DEFAULT_FIELD_MAPPING, type FieldMappingConfig } from './field-mapping';
import { DEFAULT_GUARD_TIMING, type GuardTiming } from './loop-guard';
import { DEFAULT_POST_MORTEM_CONFIG, type PostMortemConfig } from './post-mortem-template';
import { DEFAULT_STATUS_MAP, type StatusMapConfig } from './status-map';

/** Everything the incident sync decisions read, per Jira project (stored as one KVS value). */
export interface IncidentSyncConfig {
  readonly fields: FieldMappingConfig;
  readonly statuses: StatusMapConfig;
  readonly postMortem: PostMortemConfig;
  /** Sent as `origin` on every Impact write; Impact webhooks carrying it are our own echoes. */
  readonly originMarker: string;
  readonly guard: GuardTiming;
  /** Where Impact follow-ups become Jira issues (follow-ups.ts); absent: DEFAULT_FOLLOW_UP_SETTINGS. */
  readonly followUps?: FollowUpSettings;
}

export const DEFAULT_ORIGIN_MARKER = 'incident-bridge';

export const DEFAULT_INCIDENT_SYNC_CONFIG: IncidentSyncConfig = {
  fields: DEFAULT_FIELD_MAPPING,
  statuses: DEFAULT_STATUS_MAP,
  postMortem: DEFAULT_POST_MORTEM_CONFIG,
  originMarker: DEFAULT_ORIGIN_MARKER,
  guard: DEFAULT_GUARD_TIMING,
};
