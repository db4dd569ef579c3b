// The logical ids of every resource that holds data or a fixed name, written out as literals. A renamed
// construct id changes a logical id, and CloudFormation then replaces the resource: a new, empty
// database, a new key that cannot decrypt the old snapshots, log groups that start over. Snapshot
// tests cannot guard this (`jest -u` accepts any change), and the update-safety tests compare two
// templates built by the same code; this list changes only when someone edits it on purpose.
import { exampleNames } from '../../examples/synth-all';
import { exampleRecoveryTemplates, synthesizedExample } from '../examples/helpers';

/** Resource types whose replacement loses data, history or a name others rely on. */
const STATEFUL_TYPES = [
  'AWS::RDS::DBInstance', 'AWS::RDS::DBSubnetGroup', 'AWS::RDS::DBParameterGroup', 'AWS::SecretsManager::Secret',
  'AWS::KMS::Key', 'AWS::Logs::LogGroup', 'AWS::S3::Bucket', 'AWS::Backup::BackupVault', 'AWS::EC2::VPC', 'AWS::EC2::Subnet',
];

/** Logical ids every platform with a created VPC has, whatever its options. */
const PLATFORM_IDS = [
  'AWS::KMS::Key PlatformEncryptionKeyCF8AB6B1',
  'AWS::EC2::VPC PlatformNetworkVpcED8BFD03',
  'AWS::EC2::Subnet PlatformNetworkVpcPublicSubnet1SubnetE848B6AD',
  'AWS::EC2::Subnet PlatformNetworkVpcPublicSubnet2SubnetED50E417',
  'AWS::EC2::Subnet PlatformNetworkVpcPrivateSubnet1SubnetCEE3888D',
  'AWS::EC2::Subnet PlatformNetworkVpcPrivateSubnet2Subnet5A2773DD',
  'AWS::Logs::LogGroup PlatformNetworkFlowLogGroup6E4BFBFF',
  'AWS::SecretsManager::Secret PlatformDatabaseCredentials7CA8FA36',
  // Hasura's own database role's credentials (the tasks log in with these, never with the master's).
  'AWS::SecretsManager::Secret PlatformDatabaseHasuraRoleSecret895BF53A',
  'AWS::RDS::DBParameterGroup PlatformDatabaseParameters416D2A6F',
  'AWS::RDS::DBSubnetGroup PlatformDatabaseInstanceSubnetGroup0CAF9303',
  'AWS::RDS::DBInstance PlatformDatabaseInstance6BC2E6BA',
  'AWS::S3::Bucket PlatformLoadBalancerAccessLogsD9EAA5B2',
  'AWS::SecretsManager::Secret PlatformHasuraAdminSecret5578DD8E',
  'AWS::SecretsManager::Secret PlatformHasuraWebhookSecret8BB690DE',
  'AWS::SecretsManager::Secret PlatformHasuraJwtSecret22D81AE3',
  'AWS::Logs::LogGroup PlatformHasuraLogGroup79FC989A',
  'AWS::SecretsManager::Secret PlatformNextjsNextAuthSecret0FEB856A',
  'AWS::Logs::LogGroup PlatformNextjsLogGroupC5C5F25C',
];

/** The stateful logical ids of each example, beyond PLATFORM_IDS. */
const EXAMPLE_IDS: { [example: string]: string[] } = {
  'hasura-blog-prod': [],
  'hasura-blog-lean': [],
  // The pipeline's stages deploy the dev and prod platforms, the dev one with the blog's Hasura project.
  'pipeline Dev/HasuraBlog': ['AWS::Logs::LogGroup PlatformHasuraProjectLogGroup37F21AB2'],
  'pipeline Prod/HasuraBlog': ['AWS::Logs::LogGroup PlatformHasuraProjectLogGroup37F21AB2'],
  'hasura-blog-dev': [
    'AWS::Logs::LogGroup PlatformHasuraProjectLogGroup37F21AB2',
  ],
  'hasura-blog-https': [
    'AWS::Logs::LogGroup PlatformExecLogGroupA7183F79',
    'AWS::Logs::LogGroup PlatformDatabasePostgresqlLogGroupAC62757B',
    'AWS::Logs::LogGroup PlatformDatabaseUpgradeLogGroup5ACD9DE0',
    'AWS::Logs::LogGroup PlatformHasuraProjectLogGroup37F21AB2',
    'AWS::Logs::LogGroup PlatformHasuraEventWorkerLogGroup4ABAE05D',
    'AWS::Backup::BackupVault PlatformBackupVault220471C4',
  ],
  'mix-day': [
    'AWS::Logs::LogGroup PlatformExecLogGroupA7183F79',
    'AWS::Logs::LogGroup PlatformWebAclLogs1161584B',
    'AWS::S3::Bucket PlatformCdnAccessLogs43394F66',
    'AWS::S3::Bucket StorybookAccessLogsBBE97E8F',
    'AWS::S3::Bucket StorybookBucketA4A6A588',
    'AWS::SecretsManager::Secret PlatformNextjsSharedCachePassword73339F2C',
  ],
};

/**
 * The stateful logical ids of each example's recovery region: the vault and its key, which existed
 * before the replica, and the replica with what pins it (its subnets, subnet and parameter groups, logs).
 */
const RECOVERY_IDS: { [label: string]: string[] } = {
  'hasura-blog-https HasuraBlogHttpsRecovery': [
    'AWS::KMS::Key RecoveryKeyF0CE256A',
    'AWS::Backup::BackupVault RecoveryVault36CA333C',
    'AWS::EC2::VPC RecoveryReplicaVpc6D150335',
    'AWS::EC2::Subnet RecoveryReplicaVpcReplicaSubnet1SubnetE02FD7F7',
    'AWS::EC2::Subnet RecoveryReplicaVpcReplicaSubnet2Subnet0B230672',
    'AWS::Logs::LogGroup RecoveryReplicaPostgresqlLogGroup67161F2C',
    'AWS::Logs::LogGroup RecoveryReplicaUpgradeLogGroupBB8F61C5',
    'AWS::RDS::DBParameterGroup RecoveryReplicaParameters00FD5EF0',
    'AWS::RDS::DBSubnetGroup RecoveryReplicaInstanceSubnetGroup81E0B297',
    'AWS::RDS::DBInstance RecoveryReplicaInstance663B887A',
  ],
};

function statefulIds(template: { [key: string]: any }): string[] {
  return Object.entries<any>(template.Resources)
    .filter(([, resource]) => STATEFUL_TYPES.includes(resource.Type))
    .map(([logicalId, resource]) => `${resource.Type} ${logicalId}`)
    .sort();
}

test.each(exampleNames())('%s keeps the logical id of every stateful resource', (name) => {
  // Every stack that holds a platform: the example's own, or a pipeline's stages.
  for (const [label, template] of Object.entries(synthesizedExample(name).platformTemplates)) {
    expect(Object.keys(EXAMPLE_IDS)).toContain(label);
    expect([label, statefulIds(template)]).toEqual([label, [...PLATFORM_IDS, ...EXAMPLE_IDS[label]].sort()]);
  }
});

const recoveryTemplates = exampleRecoveryTemplates();

test.each(recoveryTemplates)('%s keeps the logical id of every stateful resource', (label, template) => {
  expect(statefulIds(template)).toEqual([...RECOVERY_IDS[label] ?? []].sort());
});

test('the recovery regions pinned are the examples\' recovery regions', () => {
  expect(recoveryTemplates.map(([label]) => label).sort()).toEqual(Object.keys(RECOVERY_IDS).sort());
});
