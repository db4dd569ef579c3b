import type { HasuraOptions } from './hasura-options';
import type { DatabaseDemand } from '../database/connection-budget';
import { MAX_HEALTHY_PERCENT, maxSteadyTasks } from '../services/container-service';

/**
 * Pools each graphql-engine task opens, each bounded by `HASURA_GRAPHQL_PG_CONNECTIONS`: the `default`
 * source's (its `pool_settings.max_connections` is written from that variable when Hasura creates the
 * source) and the metadata store's, which Hasura sizes from the same variable on every start.
 */
export const POOLS_PER_TASK = 2;

/** Most Hasura tasks that run at once: old and new side by side in a deploy, or one apply task beside the rest. */
export function peakHasuraTasks(options: HasuraOptions): number {
  const steady = maxSteadyTasks(options);
  return Math.max(Math.ceil(steady * MAX_HEALTHY_PERCENT / 100), steady + 1);
}

/** Event worker tasks unless `eventWorker.desiredCount` says otherwise. */
export const DEFAULT_EVENT_WORKER_TASKS = 1;

/**
 * What Hasura needs of the database: the serving tasks (with the one-off project task) and the event
 * worker's tasks, when there is one; `prefix` names their props.
 */
export function hasuraDatabaseDemands(options: HasuraOptions, prefix: string): DatabaseDemand[] {
  const demands = [hasuraDatabaseDemand(options, prefix)];
  if (options.eventWorker) {
    const steady = options.eventWorker.desiredCount ?? DEFAULT_EVENT_WORKER_TASKS;
    demands.push({
      name: 'hasura-events',
      // Old and new side by side during a deploy.
      peakTasks: Math.ceil(steady * MAX_HEALTHY_PERCENT / 100),
      poolsPerTask: POOLS_PER_TASK,
      tasksProp: `${prefix}.eventWorker.desiredCount`,
      steadyTasks: steady,
      peakReason: 'twice that during a deploy',
    });
  }
  return demands;
}

/** What the Hasura service (with its one-off project task) needs of the database; `prefix` names its props. */
export function hasuraDatabaseDemand(options: HasuraOptions, prefix: string): DatabaseDemand {
  return {
    name: 'hasura',
    peakTasks: peakHasuraTasks(options),
    poolsPerTask: POOLS_PER_TASK,
    tasksProp: options.autoScaling ? `${prefix}.autoScaling.maxTasks` : `${prefix}.desiredCount`,
    steadyTasks: maxSteadyTasks(options),
    peakReason: 'twice that during a deploy',
  };
}
