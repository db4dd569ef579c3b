// A recovery region with a read replica of the platform's database: where its source is, how it is
// encrypted, what may reach it, what watches it, and the input it refuses.
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { HasuraProject, PlatformDatabase, PlatformRecoveryRegion, PlatformRecoveryRegionProps, RecoveryImage } from '../../src';
import { contractBreaches, publishersMayPublish, rdsMayUseItsKeys } from '../contracts/contracts';
import { dockerImagesOf, ingressRules, onlyResource, TEST_ENV, testApp } from '../util';

const RECOVERY_ENV = { account: TEST_ENV.account, region: 'us-west-2' };
const ZONES = ['us-west-2a', 'us-west-2b'];

interface Regions {
  readonly app: App;
  readonly primary: Stack;
  readonly database: PlatformDatabase;
  readonly recoveryStack: Stack;
}

/** A database in us-east-1 (named `shop-db` unless `instanceIdentifier` is null) and an empty us-west-2 stack. */
function regions(options: { instanceIdentifier?: string | null; crossRegionReferences?: boolean } = {}): Regions {
  const app = testApp();
  const primary = new Stack(app, 'Primary', { env: TEST_ENV });
  const vpc = new ec2.Vpc(primary, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'Db', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const database = new PlatformDatabase(primary, 'Database', {
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.SMALL),
    instanceIdentifier: options.instanceIdentifier === null ? undefined : options.instanceIdentifier ?? 'shop-db',
  });
  const recoveryStack = new Stack(app, 'Recovery', { env: RECOVERY_ENV, crossRegionReferences: options.crossRegionReferences });
  return { app, primary, database, recoveryStack };
}

function withReplica(given: Regions, overrides: Partial<PlatformRecoveryRegionProps> = {}): PlatformRecoveryRegion {
  return new PlatformRecoveryRegion(given.recoveryStack, 'Recovery', {
    platformName: 'shop',
    primaryRegion: 'us-east-1',
    database: given.database,
    replica: { availabilityZones: ZONES },
    alarmEmails: ['ops@example.com'],
    ...overrides,
  });
}

describe('a replica of a database with a fixed identifier', () => {
  const given = regions();
  const recovery = withReplica(given);
  const template = Template.fromStack(given.recoveryStack);
  const resources = template.toJSON().Resources;
  const replica = onlyResource(template, 'AWS::RDS::DBInstance');
  const keyId = given.recoveryStack.getLogicalId(recovery.encryptionKey.node.defaultChild as any);

  test('its source is the database\'s ARN in the primary region, with SourceRegion set', () => {
    expect(replica.Properties.SourceDBInstanceIdentifier).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':rds:us-east-1:123456789012:db:shop-db']],
    });
    expect(replica.Properties.SourceRegion).toBe('us-east-1');
  });

  test('it is encrypted with the recovery region\'s key, which it inherits no flag for', () => {
    expect(replica.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    // StorageEncrypted comes from the source; CloudFormation wants it left out with SourceDBInstanceIdentifier.
    expect(replica.Properties.StorageEncrypted).toBeUndefined();
  });

  test('RDS may use the key through grants, and only AWS services may create grants on it', () => {
    expect(rdsMayUseItsKeys(resources)).toEqual([]);
    const statements = resources[keyId].Properties.KeyPolicy.Statement;
    expect(statements).toContainEqual(expect.objectContaining({ Sid: 'DenyGrantsExceptForAwsServices', Effect: 'Deny' }));
  });

  test('its security group admits nothing, from the internet or anywhere else', () => {
    expect(ingressRules(template)).toEqual([]);
    expect(Object.values<any>(resources).filter((r) => r.Type === 'AWS::EC2::SecurityGroupIngress')).toEqual([]);
    expect(replica.Properties.PubliclyAccessible).toBe(false);
    // The VPC made for it has no way in or out: no internet gateway, no NAT.
    expect(Object.values<any>(resources).filter((r) => ['AWS::EC2::InternetGateway', 'AWS::EC2::NatGateway'].includes(r.Type))).toEqual([]);
  });

  test('its lag is watched by an alarm that notifies an encrypted topic CloudWatch may publish to', () => {
    const alarm = onlyResource(template, 'AWS::CloudWatch::Alarm');
    expect(alarm.Properties).toMatchObject({
      AlarmName: 'shop-database-replica-lag',
      MetricName: 'ReplicaLag',
      Namespace: 'AWS/RDS',
      Statistic: 'Maximum',
      Period: 300,
      Threshold: 600,
      EvaluationPeriods: 2,
      TreatMissingData: 'breaching',
      Dimensions: [{ Name: 'DBInstanceIdentifier', Value: { Ref: Object.keys(template.findResources('AWS::RDS::DBInstance'))[0] } }],
    });
    const topicId = Object.keys(template.findResources('AWS::SNS::Topic'))[0];
    expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
    expect(alarm.Properties.OKActions).toEqual([{ Ref: topicId }]);
    expect(resources[topicId].Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    expect(publishersMayPublish(resources)).toEqual([]);
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  test('every contract between its services holds', () => {
    expect(contractBreaches(template.toJSON() as any, 'shop', [/^\/aws\/rds\/instance\//])).toEqual([]);
  });

  test('TLS is required and it allows the source\'s connections, as PostgreSQL\'s hot standby needs', () => {
    template.hasResourceProperties('AWS::RDS::DBParameterGroup', {
      Family: 'postgres15',
      Parameters: { 'rds.force_ssl': '1', 'max_connections': String(given.database.maxConnections) },
    });
  });

  test('it is protected from deletion once it exists, by the same custom resource as the platform\'s database', () => {
    expect(replica.Properties.DeletionProtection).toBeUndefined();
    const guard = onlyResource(template, 'Custom::DeletionProtection');
    expect(guard.Properties).toMatchObject({
      DatabaseInstanceIdentifier: { Ref: Object.keys(template.findResources('AWS::RDS::DBInstance'))[0] },
      ProtectDatabase: 'true',
      LoadBalancerArn: '',
      ProtectLoadBalancer: '',
    });
    expect(replica.Properties.Tags).toContainEqual({ Key: 'HasuraNextjsPlatform', Value: 'shop' });
  });

  test('its logs go to log groups of its own, encrypted with the region\'s key, which CloudWatch Logs may use', () => {
    for (const log of ['postgresql', 'upgrade']) {
      template.hasResourceProperties('AWS::Logs::LogGroup', {
        LogGroupName: `/aws/rds/instance/shop-replica/${log}`,
        KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
        RetentionInDays: 30,
      });
    }
    expect(JSON.stringify(resources[keyId].Properties.KeyPolicy)).toContain('logs.us-west-2.amazonaws.com');
    expect(replica.Properties.EnableCloudwatchLogsExports).toEqual(['postgresql', 'upgrade']);
  });

  test('its stack deploys after the source\'s, which it needs to exist', () => {
    expect(given.recoveryStack.dependencies).toContain(given.primary);
  });

  test('the source keeps automated backups, which RDS needs to create a replica', () => {
    const source = onlyResource(Template.fromStack(given.primary), 'AWS::RDS::DBInstance');
    expect(source.Properties.BackupRetentionPeriod).toBeGreaterThan(0);
  });

  test('it takes the source\'s instance class, and a class of its own when asked', () => {
    expect(replica.Properties.DBInstanceClass).toBe('db.t4g.small');
    const other = regions();
    withReplica(other, { replica: { availabilityZones: ZONES, instanceType: new ec2.InstanceType('t4g.micro'), multiAz: true } });
    expect(onlyResource(Template.fromStack(other.recoveryStack), 'AWS::RDS::DBInstance').Properties)
      .toMatchObject({ DBInstanceClass: 'db.t4g.micro', MultiAZ: true });
  });
});

describe('a replica of a database without a fixed identifier', () => {
  test('refuses to guess the ARN, and never suggests naming a deployed database', () => {
    expect(() => withReplica(regions({ instanceIdentifier: null })))
      .toThrow(/^Invalid database: "Primary\/Database"\. .*set crossRegionReferences: true on Recovery.*Do not add an instanceIdentifier to a deployed database/);
  });

  test('takes the ARN through aws-cdk-lib\'s cross-region references when the stack allows them', () => {
    const given = regions({ instanceIdentifier: null, crossRegionReferences: true });
    withReplica(given);
    const template = Template.fromStack(given.recoveryStack);
    const source = JSON.stringify(onlyResource(template, 'AWS::RDS::DBInstance').Properties.SourceDBInstanceIdentifier);
    expect(source).toContain(':rds:us-east-1:');
    expect(source).toContain('ExportsReader');
    expect(given.recoveryStack.dependencies).toContain(given.primary);
  });
});

test('without a database, the recovery region holds only the vault and its key, as before', () => {
  const given = regions();
  new PlatformRecoveryRegion(given.recoveryStack, 'Recovery', { platformName: 'shop', primaryRegion: 'us-east-1' });
  const types = Object.values<any>(Template.fromStack(given.recoveryStack).toJSON().Resources).map((r) => r.Type).sort();
  expect(types).toEqual(['AWS::Backup::BackupVault', 'AWS::KMS::Key']);
  expect(given.recoveryStack.dependencies).toEqual([]);
});

describe('bad input names the prop', () => {
  test.each<[string, Partial<PlatformRecoveryRegionProps>, RegExp]>([
    ['a replica without a database', { database: undefined, replica: {}, alarmEmails: undefined }, /^Invalid replica: "\(set\)"\. It applies to the database replica/],
    ['alarm emails without a database', { database: undefined, replica: undefined }, /^Invalid alarmEmails: \["ops@example.com"\]/],
    ['a primary region that is not the database\'s', { primaryRegion: 'eu-west-1' }, /^Invalid primaryRegion: "eu-west-1"\. The database's stack Primary is in us-east-1/],
    ['an instance class with the db. prefix', { replica: { availabilityZones: ZONES, instanceType: new ec2.InstanceType('db.t4g.small') } },
      /^Invalid replica\.instanceType: "db\.t4g\.small"/],
    ['an instance class RDS does not offer', { replica: { availabilityZones: ZONES, instanceType: new ec2.InstanceType('t4g.nano') } },
      /^Invalid replica\.instanceType: "t4g\.nano"\. "nano" is not a size RDS offers/],
    ['a bad instance identifier', { replica: { availabilityZones: ZONES, instanceIdentifier: 'Shop_Replica' } }, /^Invalid replica\.instanceIdentifier: "Shop_Replica"/],
    ['a lag threshold below the metric\'s minute', { replica: { availabilityZones: ZONES, maxReplicaLag: Duration.seconds(30) } },
      /^Invalid replica\.maxReplicaLag: "30 seconds"\. Use a whole number of seconds from 60 to 86400/],
    ['zones of another region', { replica: { availabilityZones: ['us-east-1a', 'us-east-1b'] } }, /^Invalid replica\.availabilityZones: .*must be in this stack's region, us-west-2/],
    ['a single zone', { replica: { availabilityZones: ['us-west-2a'] } }, /^Invalid replica\.availabilityZones: \["us-west-2a"\]\. Name two or more/],
  ])('%s', (_case, overrides, error) => {
    expect(() => withReplica(regions(), overrides)).toThrow(error);
  });

  test('zones together with a VPC of your own', () => {
    const given = regions();
    const vpc = new ec2.Vpc(given.recoveryStack, 'Vpc', { availabilityZones: ZONES, natGateways: 0 });
    expect(() => withReplica(given, { replica: { vpc, availabilityZones: ZONES } })).toThrow(/^Invalid replica\.availabilityZones: .*with replica\.vpc, choose replica\.vpcSubnets/);
  });

  test('the source\'s own region', () => {
    const given = regions();
    const sameRegion = new Stack(given.app, 'SameRegion', { env: TEST_ENV });
    expect(() => new PlatformRecoveryRegion(sameRegion, 'Recovery', { platformName: 'shop', primaryRegion: 'us-east-1', database: given.database }))
      .toThrow(/^Invalid primaryRegion: "us-east-1"\. It is this stack's region/);
  });

  test('a source in another account', () => {
    const given = regions();
    const elsewhere = new Stack(given.app, 'Elsewhere', { env: { account: '111122223333', region: 'us-west-2' } });
    expect(() => new PlatformRecoveryRegion(elsewhere, 'Recovery', { platformName: 'shop', primaryRegion: 'us-east-1', database: given.database }))
      .toThrow(/^Invalid database: "Primary\/Database"\. Its stack is in account 123456789012 and this one in 111122223333/);
  });

  test('a platform stack that depends on the recovery stack (the order a vault alone allowed)', () => {
    const given = regions();
    given.primary.addStackDependency(given.recoveryStack);
    expect(() => withReplica(given)).toThrow(/^Invalid database: "Primary\/Database"\. Its stack Primary depends on Recovery/);
  });

  test('a Hasura image of your own, or a version that is no release tag, for the engine image', () => {
    expect(() => RecoveryImage.hasuraEngine({ image: ecs.ContainerImage.fromRegistry('public.ecr.aws/example/hasura:1') }))
      .toThrow(/^Invalid hasura\.image: "an image of your own"\. The platform builds no engine image/);
    expect(() => RecoveryImage.hasuraEngine({ engineVersion: 'latest' })).toThrow(/^Invalid hasura\.engineVersion: "latest"/);
  });
});

test('the images are published to the recovery region\'s own asset repository, as the assets a platform there would build', () => {
  const given = regions();
  const nextjs = path.join(__dirname, '..', '..', 'examples', 'nextjs-app');
  const project = HasuraProject.fromDirectory(path.join(__dirname, '..', '..', 'examples', 'hasura-project'));
  const recovery = withReplica(given, {
    images: [
      RecoveryImage.hasuraEngine({ project, cpuArchitecture: ecs.CpuArchitecture.ARM64 }),
      RecoveryImage.fromAsset(nextjs, { platform: Platform.LINUX_ARM64 }),
    ],
  });
  expect(recovery.images).toHaveLength(2);
  const images = dockerImagesOf(given.app, given.recoveryStack);
  expect(Object.keys(images).sort()).toEqual(recovery.images.map((image) => image.assetHash).sort());
  for (const image of Object.values<any>(images)) {
    expect(image.source.platform).toBe('linux/arm64');
    // The stack's synthesizer publishes them to the bootstrap repository of us-west-2.
    expect(Object.values<any>(image.destinations).map((d) => [d.region, d.repositoryName]))
      .toEqual([['us-west-2', 'cdk-hnb659fds-container-assets-123456789012-us-west-2']]);
  }
});
