import { checkInteger, invalid } from '../private/validation';
import type { DatabaseClient } from '../services/platform-service';

/** How the database's connections are shared among the platform's database clients. */
export interface ConnectionBudget {
  /** PostgreSQL `max_connections`. */
  readonly maxConnections: number;
  /** Connections left for RDS and operators. */
  readonly reservedConnections: number;
  /** The clients, each with the most tasks it runs at once. */
  readonly clients: DatabaseClient[];
  /** The most tasks of all clients that run at once. */
  readonly peakTasks: number;
  /** Connections per pool of each client task (for Hasura, `HASURA_GRAPHQL_PG_CONNECTIONS`). */
  readonly poolSize: number;
  /** Connections the clients hold when every pool of every task at the peak is full; with the reserve, at most `maxConnections`. */
  readonly peakConnections: number;
}

/**
 * Connections of `max_connections` that no client may use: 3 that RDS reserves for its own `rdsadmin`
 * superuser (`superuser_reserved_connections`; the master user is only an `rds_superuser`), and 5 for
 * operators (psql, pg_dump, monitoring).
 */
export const RESERVED_CONNECTIONS = 3 + 5;

/** Hasura's own default pool size; more rarely helps a single task. */
export const MAX_POOL_SIZE = 50;

/** A task needs at least this many connections per pool to serve queries while it syncs its schema. */
export const MIN_POOL_SIZE = 2;

/** A client as the planner sees it: what it needs, and which prop sizes it, for error messages. */
export interface DatabaseDemand extends DatabaseClient {
  /** The prop that sets the client's task count, e.g. `hasura.desiredCount`. */
  readonly tasksProp: string;
  /** That prop's value. */
  readonly steadyTasks: number;
  /** How the peak follows from it, e.g. `twice that during a deploy`. */
  readonly peakReason: string;
}

/** A pool size given by the user, and the prop that gave it. */
export interface GivenPoolSize {
  readonly prop: string;
  readonly value?: number;
}

/**
 * Gives every client task the same pool size: the largest (at most 50) for which all clients at
 * their peak, every pool full, still leave the reserved connections free; or checks the pool size
 * given. `databasePrefix` names the database props in error messages.
 */
export function planConnectionBudget(demands: DatabaseDemand[], maxConnections: number, given: GivenPoolSize,
  databasePrefix: string): ConnectionBudget {
  const peakTasks = demands.reduce((sum, demand) => sum + demand.peakTasks, 0);
  const pools = demands.reduce((sum, demand) => sum + demand.peakTasks * demand.poolsPerTask, 0);
  const perTaskShare = pools === 0 ? MAX_POOL_SIZE : Math.floor((maxConnections - RESERVED_CONNECTIONS) / pools);
  const poolsPerTask = [...new Set(demands.map((demand) => demand.poolsPerTask))].join(' or ');
  const arithmetic = `${peakTasks} tasks at the peak (${demands.map((d) => `${d.tasksProp} ${d.steadyTasks}, ${d.peakReason}`).join('; ')})`
    + ` x ${poolsPerTask} pools per task must fit max_connections ${maxConnections} less ${RESERVED_CONNECTIONS} reserved`;
  const moreConnections = `give the database more connections (${databasePrefix}.instanceType or ${databasePrefix}.maxConnections)`;
  const largest = [...demands].sort((a, b) => b.peakTasks - a.peakTasks)[0];

  if (given.value !== undefined) {
    checkInteger(given.prop, given.value, MIN_POOL_SIZE, 1000);
    if (given.value > perTaskShare) {
      invalid(given.prop, given.value, `${arithmetic}, which allows at most ${perTaskShare} per pool:`
        + ` lower it, lower ${largest.tasksProp}, or ${moreConnections}.`);
    }
  } else if (perTaskShare < MIN_POOL_SIZE) {
    invalid(largest.tasksProp, largest.steadyTasks, `${arithmetic}, which leaves ${Math.max(perTaskShare, 0)} connections per pool`
      + ` and Hasura needs at least ${MIN_POOL_SIZE}: lower it, or ${moreConnections}.`);
  }
  const poolSize = given.value ?? Math.min(perTaskShare, MAX_POOL_SIZE);
  return {
    maxConnections,
    reservedConnections: RESERVED_CONNECTIONS,
    clients: demands.map((demand) => ({ name: demand.name, peakTasks: demand.peakTasks, poolsPerTask: demand.poolsPerTask })),
    peakTasks,
    poolSize,
    peakConnections: pools * poolSize,
  };
}
