/** Public surface of the Alertmanager → Jira domain (pure: data in, data or commands out). */
export * as adf from './adf';
export type { AdfBlock, AdfDoc, AdfInline, AdfMark } from './adf';
export * from './changes';
export * from './coalesce';
export * from './commands';
export * from './content';
export * from './decide';
export * from './matchers';
export * from './problem-key';
export * from './problems';
export * from './rules';
export * from './rules-yaml';
export * from './state';
export * from './templates';
export * from './link-issue';
export * from './storm';
