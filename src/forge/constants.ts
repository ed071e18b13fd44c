/**
 * Names shared between manifest.yml and the code. Storage keys are prefixes; the KVS key alphabet is
 * `[a-zA-Z0-9:._\s-#]`, so anything user-controlled goes into a key only as a hash.
 */
import { DeliveryKeys } from './delivery/delivery-keys';

export const QUEUE_KEY = 'bridge-events';
export const INGEST_WEBTRIGGER_KEY = 'ingest';

export const SecretKeys = {
  relaySigningKeys: 'relay-signing-keys',
  /** `{ baseUrl, token, updatedAt? }` of the Impact API (ImpactConnection); env IMPACT_API_URL/IMPACT_API_TOKEN as fallback. */
  impactApi: 'impact-api',
} as const;

/** manifest.yml `permissions.external.fetch.backend` addresses: the only hosts the Impact API URL may name. */
export const IMPACT_EGRESS_PATTERNS: readonly string[] = ['https://*.impact.example.com'];

/**
 * Forge variable (process.env) the local Forge host sets: the app runs in the sandbox, so an Impact API URL on
 * loopback (the Impact simulator) is accepted. Never set it in a deployed environment.
 */
export const LOCAL_FORGE_HOST_ENV = 'BRIDGE_LOCAL_FORGE_HOST';

export const StorageKeys = {
  /** Marker that the web trigger queued an event: `seen:<eventId>`. */
  seenEvent: (eventId: string) => `seen:${eventId}`,
  /** Marker that the consumer applied an event: `applied:<eventId>`. */
  appliedEvent: (eventId: string) => `applied:${eventId}`,
  /** Delivery log, newest first: `dlog:<inverted received ms, 13 digits>:<eventId>` (delivery/delivery-keys.ts has its indexes). */
  deliveryPrefix: DeliveryKeys.linePrefix,
  delivery: DeliveryKeys.line,
  /** Last event received per source, for the settings page: LastReceivedRecord (with the batch's signing key id). */
  lastReceived: (source: string) => `last-received:${source}`,
  /** The last relay batch refused for its signature (RejectedBatchRecord), written at most once a minute. */
  lastRejectedBatch: 'relay-rejected-batch',
  /** Status category mirror of issues the app tracks: `issue-status:<issueId>`. */
  issueStatus: (issueId: string) => `issue-status:${issueId}`,
  /**
   * Issue key → issue id of an issue the app created (alert and incident issues): `issue-id:<KEY>`. Jira never gives a
   * key to another issue (a moved issue keeps its old key as an alias), so the pair stays true; it lets the closure
   * validator, which Forge passes only the key, find the issue id without a Jira read (incidents/closure-validator.ts).
   */
  issueIdByKey: (issueKey: string) => `issue-id:${issueKey}`,
  lastScheduledRun: (triggerKey: string) => `scheduled-run:${triggerKey}`,
  /** The ordered Alertmanager → Jira rule list, one value (see MAX_RULES_BYTES). */
  alertRules: 'alert-rules',
  /** What the app knows of one alert problem (ProblemRecord): `problem:<am:fp:…|am:grp:…>`. */
  problem: (problemKey: string) => `problem:${problemKey}`,
  /** One piece of a problem record too big for one KVS value (alerts/problem-store.ts): generation, then index. */
  problemChunk: (problemKey: string, generation: string, index: number) => `problem-chunk:${problemKey}:${generation}:${index}`,
  /** Install-wide pause of Jira work after a quota-based 429 (alerts/jira-pause.ts): `{until: ms}`. */
  jiraPause: 'jira-pause',
  /** The body of a relay event too big for one queue event (delivery/parked-events.ts): `parked:<eventId>`. */
  parkedEvent: (eventId: string) => `parked:${eventId}`,
  /** What the app found when it was (re)installed (InstallRecord): whether Jira already held issues of an earlier install. */
  installRecord: 'install-record',
  /** Waiting Alertmanager notifications of one group, for coalescing (alerts/pending-slot.ts): `alert-pending:<concurrency key>:<inverted sequence>`. */
  alertPending: (concurrencyKey: string) => `alert-pending:${concurrencyKey}:`,
  /** The newest "link by hand" of an issue to an alert problem and how it ended (alerts/link-problem.ts; a day). */
  alertLink: (issueKey: string) => `alert-link:${issueKey}`,
  /** FAIL_IF_EXISTS creation guard for a problem; kept, so a later missing state means "look it up in Jira". */
  creating: (problemKey: string) => `creating:${problemKey}`,
  /** Transitions available from one status of a project's workflow: `transitions:<project>:<statusId|initial:<type>>`. */
  transitions: (projectKey: string, fromStatus: string) => `transitions:${projectKey}:${fromStatus}`,
  /** Every cached transition list of a project, and its statuses: one KVS query reads what is learned of a workflow. */
  transitionsPrefix: (projectKey: string) => `transitions:${projectKey}:`,
  /** A project's workflow statuses (status ids are numbers and alert places `initial-<type>`, so no list is called this). */
  workflowStatuses: (projectKey: string) => `transitions:${projectKey}:statuses`,
  /** Events given up on after the last retry (or refused by Jira), for the UI to list and retry. */
  failedDeliveryPrefix: DeliveryKeys.failedPrefix,
  failedDelivery: DeliveryKeys.failed,
} as const;

/** Forge KVS values are limited (~240 KiB); the rule list stays well below. */
export const MAX_RULES_BYTES = 200 * 1024;
/**
 * Forge KVS refuses a value over 240 KiB (MAX_SIZE) or nested deeper than 32 (MAX_DEPTH) [D limits-kvs-ce,
 * handling-errors-kvs]; the local Forge host enforces both (src/sandbox/forge-host/kvs-store.ts KVS_LIMITS).
 */
export const KVS_VALUE_MAX_BYTES = 240 * 1024;
export const KVS_MAX_DEPTH = 32;
/** Forge KVS list queries take a limit of 1–20 (FORGE-NOTES: storage-api-query). */
export const KVS_QUERY_LIMIT = 20;
/** Cached workflow transitions heal within a day after an admin edits a workflow. */
export const TRANSITIONS_TTL_SECONDS = 86_400;
/** A creation marker younger than this means another invocation may be creating the issue right now. */
export const CREATION_GRACE_MS = 60_000;
/** The Forge host's (and Forge's documented) retry cap: the attempt with retryCount 4 is the last one. */
export const MAX_QUEUE_RETRIES = 4;

/** Replay markers outlive the relay's retry horizon by a wide margin. */
export const SEEN_EVENT_TTL_DAYS = 7;
export const APPLIED_EVENT_TTL_DAYS = 30;
