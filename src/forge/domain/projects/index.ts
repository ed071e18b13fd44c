export * from './jql';
export * from './fields';
export * from './issue-mapping';
export * from './status-history';
export * from './sync-state';
export * from './errors';
export * from './metrics';
export * from './schedule';
