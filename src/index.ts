export * from './platform';
export * from './network';
export * from './database';
export * from './service-options';
export * from './hasura-service';
export * from './nextjs-service';
export * from './load-balancer';
