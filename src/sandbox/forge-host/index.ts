export { createForgeHost, type ForgeHost, type ForgeHostOptions, type ProductEvent, type TriggerDelivery } from './host';
export { jiraSiteFromEnv, SIM_ACTOR_HEADER, type JiraTarget, type JiraActor } from './jira-target';
export { KvsStore, KVS_LIMITS, KEY_CONFLICT_CODE, CONDITION_FAILED_CODE, type KvsSpace, type StoredItem } from './kvs-store';
export { AsyncEventQueue, QUEUE_LIMITS, DEFAULT_MAX_RETRIES, RETENTION_WINDOW_MS, type QueueStats, type FailedQueueEvent } from './queue';
export { InvocationLog, type InvocationRecord, type InvocationOutcome, type InvocationCounters } from './invocation-log';
export { FORGE_DEFAULT_LIMIT_MS, FORGE_WEBTRIGGER_LIMIT_MS, FORGE_ASYNC_DEFAULT_LIMIT_MS, type TimeLimitOverrides, type InvocationResult, type HandlersModule } from './invoker';
export { ACCOUNT_HEADER } from './http-app';
export { loadManifest, parseManifest, type ForgeManifest } from './manifest';
export {
  fidelityFromEnv,
  FidelityRuntime,
  FORGE_LATENCY_ASSUMPTIONS,
  DEFAULT_CHAOS,
  CONCURRENCY_BACKOFF,
  TEST_TIME_FACTOR,
  type HostFidelity,
  type FidelityMode,
  type ChaosOptions,
  type LatencyProfile,
} from './fidelity';
