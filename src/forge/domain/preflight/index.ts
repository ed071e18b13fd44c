export * from './create-meta';
export * from './preflight';
export * from './rule-plan';
