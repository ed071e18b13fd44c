export * from './directory';
export * from './incident-response';
