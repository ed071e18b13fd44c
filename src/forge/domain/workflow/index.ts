export * from './learned-workflow';
export * from './next-move';
export * from './status-name';
export * from './workflow-path';
