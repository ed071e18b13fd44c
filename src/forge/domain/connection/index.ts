export * from './signing-keys';
export * from './relay-activity';
export * from './impact-connection';
