/**
 * What the custom resource that keeps Hasura's database role in step passes to its handler. Shared by
 * the construct and the handler, so the names cannot drift apart.
 */

/** What the handler needs to reach the database and shape the role; all strings, as CloudFormation passes them. */
export interface DatabaseRoleSettings {
  /** The database endpoint's address. */
  readonly Host: string;
  /** The database endpoint's port. */
  readonly Port: string;
  /** The database Hasura uses; the role may connect to it and create in it. */
  readonly DatabaseName: string;
  /** The master user's secret (`username`, `password`): used only to create and alter the role. */
  readonly MasterSecretArn: string;
  /** The role's own secret (`username`, `password`): the credentials Hasura logs in with. */
  readonly RoleSecretArn: string;
  /** The role's name; the role secret's `username` must be the same. */
  readonly RoleName: string;
  /** The most connections the role may hold at once (`CONNECTION LIMIT`). */
  readonly ConnectionLimit: string;
}

/** Resource properties: the settings, and what makes a deploy run the handler again. */
export interface DatabaseRoleProperties extends DatabaseRoleSettings {
  /** What the handler does; a new revision runs it again on every platform it upgrades. */
  readonly Revision: string;
  /**
   * Task definition revisions that log in as the role. A new revision of any of them (a new image, a
   * changed setting) runs the handler before its tasks start, so ownership and password are in step.
   */
  readonly Clients: string[];
}

/** The fields of a provider-framework event the handler reads. */
export interface DatabaseRoleEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly LogicalResourceId?: string;
  readonly RequestId?: string;
  readonly PhysicalResourceId?: string;
  /** Absent when an operator invokes the function directly (after rotating the role's secret). */
  readonly ResourceProperties?: DatabaseRoleProperties;
}

/**
 * Environment variable of the handler function that holds the settings as JSON, so an operator can run it
 * without CloudFormation: `aws lambda invoke --payload '{"RequestType":"Update"}'` after rotating the secret.
 */
export const SETTINGS_VARIABLE = 'DATABASE_ROLE_SETTINGS';

/** Bump when what the handler does to a database changes, so every deployed platform gets it on its next deploy. */
export const DATABASE_ROLE_REVISION = '1';
