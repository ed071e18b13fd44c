export * from './incident';
export * from './webhook';
export * from './api';
export * from './group-key';
