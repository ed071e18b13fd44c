/** Public surface of the Jira Cloud REST v3 simulator. */
export { createJiraSimulator, DEFAULT_APP_ACCOUNT_ID, FORGE_ACTOR_HEADER } from './app';
export type { JiraSimulator, JiraSimulatorOptions } from './app';
export { serveJiraSimulator } from './serve';
export type { ServeOptions, ServedSimulator } from './serve';
export { seedSandboxSite, SANDBOX_USERS, SANDBOX_PRIORITY_IMPACT_FIELD } from './seed';
export type { SeedHelpers, UserSeed, ProjectSeed } from './seed';
export { INCIDENT_STATUS, POSTMORTEM_STATUS } from './workflows';
export type { IssueEvent, IssueEventListener, IssueEventType } from './events';
export type { CallLogEntry } from './call-log';
export type { FaultSpec } from './faults';
export type { RateLimitConfig, RateLimitReason } from './rate-limit';
export { DEFAULT_RATE_LIMITS } from './rate-limit';
export { adfProblem } from './adf';
export { jiraTimestamp } from './time';
export { JiraError, SimulatedConnectionDrop } from './errors';
export type { SimState } from './state';
