export { checkManifest, type CheckOptions } from './check-manifest';
export { formatReport, formatFinding } from './format-report';
export { installNetworkGuard, type NetworkGuard } from './network-guard';
export type { CheckReport, Finding, Severity } from './types';
