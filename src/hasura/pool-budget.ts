import { ConnectionBudget, HasuraOptions } from './hasura-options';
import { checkInteger, invalid } from '../private/validation';
import { MAX_HEALTHY_PERCENT, maxSteadyTasks } from '../services/container-service';

/**
 * Connections of `max_connections` that Hasura must leave free: 3 that RDS reserves for its own
 * `rdsadmin` superuser (`superuser_reserved_connections`; the master user is only an `rds_superuser`),
 * and 5 for operators (psql, pg_dump, monitoring).
 */
export const RESERVED_CONNECTIONS = 3 + 5;

/**
 * Pools each Hasura task opens, each bounded by `HASURA_GRAPHQL_PG_CONNECTIONS`: the `default` source's
 * (its `pool_settings.max_connections` is written from that variable when Hasura creates the source) and
 * the metadata store's, which Hasura sizes from the same variable on every start.
 */
export const POOLS_PER_TASK = 2;

/** Hasura's own default pool size; more rarely helps a single task. */
export const MAX_POOL_SIZE = 50;

/** A task needs at least this many connections per pool to serve queries while it syncs its schema. */
export const MIN_POOL_SIZE = 2;


/** Most Hasura tasks that run at once: old and new side by side in a deploy, or one apply task beside the rest. */
export function peakHasuraTasks(options: HasuraOptions): number {
  const steady = maxSteadyTasks(options);
  return Math.max(Math.ceil(steady * MAX_HEALTHY_PERCENT / 100), steady + 1);
}

/**
 * Gives each Hasura task the largest pool (at most 50) for which the peak number of tasks, each with
 * its two pools full, still leaves the reserved connections free; or checks the pool size given.
 * `prefix` names the Hasura props and `databasePrefix` the database props in error messages.
 */
export function planConnectionBudget(options: HasuraOptions, maxConnections: number, prefix: string,
  databasePrefix: string): ConnectionBudget {
  const peakTasks = peakHasuraTasks(options);
  const perTaskShare = Math.floor((maxConnections - RESERVED_CONNECTIONS) / (peakTasks * POOLS_PER_TASK));
  const tasksProp = options.autoScaling ? `${prefix}.autoScaling.maxTasks` : `${prefix}.desiredCount`;
  const arithmetic = `${peakTasks} tasks at the peak (${tasksProp} ${maxSteadyTasks(options)}, twice that during a deploy)`
    + ` x ${POOLS_PER_TASK} pools per task must fit max_connections ${maxConnections} less ${RESERVED_CONNECTIONS} reserved`;

  const given = options.connectionPoolSize;
  if (given !== undefined) {
    checkInteger(`${prefix}.connectionPoolSize`, given, MIN_POOL_SIZE, 1000);
    if (given > perTaskShare) {
      invalid(`${prefix}.connectionPoolSize`, given, `${arithmetic}, which allows at most ${perTaskShare} per pool:`
        + ` lower it, lower ${tasksProp}, or give the database more connections (${databasePrefix}.instanceType or ${databasePrefix}.maxConnections).`);
    }
  } else if (perTaskShare < MIN_POOL_SIZE) {
    invalid(tasksProp, maxSteadyTasks(options), `${arithmetic}, which leaves ${Math.max(perTaskShare, 0)} connections per pool`
      + ` and Hasura needs at least ${MIN_POOL_SIZE}: lower it, or give the database more connections`
      + ` (${databasePrefix}.instanceType or ${databasePrefix}.maxConnections).`);
  }
  const poolSize = given ?? Math.min(perTaskShare, MAX_POOL_SIZE);
  return {
    maxConnections,
    reservedConnections: RESERVED_CONNECTIONS,
    peakTasks,
    poolSize,
    peakConnections: peakTasks * POOLS_PER_TASK * poolSize,
  };
}
