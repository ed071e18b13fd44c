export * from './incident';
export * from './webhook';
export * from './origin';
export * from './api';
export * from './conditional';
export * from './notes';
export * from './follow-ups';
export * from './group-key';
