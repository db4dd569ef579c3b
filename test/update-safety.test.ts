// Updates of a deployed platform must never lose data. Every edit a team makes in normal life is
// applied, one at a time, to the production example, and @aws-cdk/cloudformation-diff (the engine of
// `cdk diff`) judges what CloudFormation would do to the stateful resources. Its diff follows Ref and
// Fn::GetAtt, so a resource that points at a replaced one is judged with the new value.
//
// The settings documented as "set at creation only" are applied too: those must be detected as
// replacing, which proves the check can fail.
import * as path from 'path';
import { fullDiff, ResourceImpact, TemplateDiff } from '@aws-cdk/cloudformation-diff';
import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { createStack, productionProps } from '../examples/hasura-blog-prod/main';
import { HasuraNextjsPlatformProps, HasuraProject } from '../src';
import { sharedOutdir, testApp } from './util';

/** Resources that hold data, or whose identity others depend on (subnets pin the database). */
const STATEFUL_TYPES = [
  'AWS::RDS::DBInstance', 'AWS::RDS::DBSubnetGroup', 'AWS::SecretsManager::Secret', 'AWS::EC2::VPC',
  'AWS::EC2::Subnet', 'AWS::Logs::LogGroup', 'AWS::S3::Bucket', 'AWS::KMS::Key',
];

/** What an update may not do to a stateful resource. */
const LOSSY_IMPACTS: string[] = [
  ResourceImpact.WILL_REPLACE, ResourceImpact.MAY_REPLACE, ResourceImpact.WILL_DESTROY, ResourceImpact.WILL_ORPHAN,
];

/**
 * Changes a copy of the props. `imports` is a scope for references to resources that exist outside
 * the platform (a hosted zone, a secret), as a team's other stacks would hold them.
 */
type Edit = (props: HasuraNextjsPlatformProps, imports: Construct) => HasuraNextjsPlatformProps;

/** Templates by the edit that made them: an edit that is one case's change and another's starting point is synthesized once. */
const templates = new Map<Edit | undefined, { [key: string]: any }>();

function templateOf(edit?: Edit): { [key: string]: any } {
  let template = templates.get(edit);
  if (!template) {
    const imports = new Stack(undefined, 'Imports', { env: { account: '111122223333', region: 'us-east-1' } });
    const props = edit ? edit(productionProps(), imports) : productionProps();
    // The worker's shared assembly directory: the example's assets are staged once, not once per edit.
    template = Template.fromStack(createStack(testApp({}, sharedOutdir()), props)).toJSON();
    templates.set(edit, template);
  }
  return template;
}

function diffOf(before: Edit | undefined, after: Edit): TemplateDiff {
  const compose: Edit = before ? (props, imports) => after(before(props, imports), imports) : after;
  return fullDiff(templateOf(before), templateOf(compose));
}

/**
 * Each stateful resource the diff would replace, destroy or orphan, as
 * `<type> <impact> (<properties that force it>)`, sorted.
 */
function lossyChanges(diff: TemplateDiff): string[] {
  const found: string[] = [];
  diff.resources.forEachDifference((_logicalId, change) => {
    const type = change.oldResourceType ?? change.newResourceType ?? '';
    if (!STATEFUL_TYPES.includes(type) || !LOSSY_IMPACTS.includes(change.changeImpact)) {
      return;
    }
    const causes = Object.entries(change.propertyUpdates)
      .filter(([, update]) => update.changeImpact && LOSSY_IMPACTS.includes(update.changeImpact))
      .map(([property]) => property)
      .sort();
    found.push(`${type} ${change.changeImpact}${causes.length ? ` (${causes.join(', ')})` : ''}`);
  });
  return found.sort();
}

// Small editors, so each case reads as the one change it makes.
const network = (changes: HasuraNextjsPlatformProps['network']): Edit =>
  (props) => ({ ...props, network: { ...props.network, ...changes } });
const database = (changes: HasuraNextjsPlatformProps['database']): Edit =>
  (props) => ({ ...props, database: { ...props.database, ...changes } });
const hasura = (changes: HasuraNextjsPlatformProps['hasura']): Edit =>
  (props) => ({ ...props, hasura: { ...props.hasura, ...changes } });
const nextjs = (changes: Partial<HasuraNextjsPlatformProps['nextjs']>): Edit =>
  (props) => ({ ...props, nextjs: { ...props.nextjs, ...changes } });
const loadBalancer = (changes: HasuraNextjsPlatformProps['loadBalancer']): Edit =>
  (props) => ({ ...props, loadBalancer: { ...props.loadBalancer, ...changes } });

const withMonitoring: Edit = (props) => ({ ...props, monitoring: { alarmEmails: ['ops@example.com'] } });
const withoutConsole: Edit = (props) => ({ ...props, hasura: { ...props.hasura, console: undefined } });

const importedSecret = (scope: Construct, name: string) => ecs.Secret.fromSecretsManager(
  secretsmanager.Secret.fromSecretCompleteArn(scope, name,
    `arn:aws:secretsmanager:us-east-1:111122223333:secret:hasura-blog/${name}-AbCdEf`));

interface UpdateCase {
  /** What the team does. */
  readonly name: string;
  /** The starting point, when it is not the production example itself. */
  readonly before?: Edit;
  readonly edit: Edit;
  /**
   * A database property that the RDS resource schema lists as create-only under some conditions
   * (`conditionalCreateOnlyProperties`: for instances of an Aurora cluster or restored from a
   * snapshot), so the diff can only say MAY_REPLACE. For a stand-alone PostgreSQL instance, RDS
   * modifies it in place. The case then expects exactly that verdict and nothing else.
   */
  readonly conditionallyCreateOnly?: string;
}

const everydayEdits: UpdateCase[] = [
  { name: 'Hasura tasks grow from 512 CPU / 1 GiB to 1024 CPU / 2 GiB', edit: hasura({ cpu: 1024, memoryLimitMiB: 2048 }) },
  { name: 'Next.js tasks grow from 512 CPU / 1 GiB to 2048 CPU / 4 GiB', edit: nextjs({ cpu: 2048, memoryLimitMiB: 4096 }) },
  { name: 'Hasura runs 4 tasks instead of 2', edit: hasura({ desiredCount: 4 }) },
  { name: 'Next.js runs 6 tasks instead of 2', edit: nextjs({ desiredCount: 6 }) },
  { name: 'Hasura runs another graphql-engine release', edit: hasura({ image: ecs.ContainerImage.fromRegistry('hasura/graphql-engine:v2.48.5') }) },
  { name: 'Next.js runs a released image instead of the local build', edit: nextjs({ image: ecs.ContainerImage.fromRegistry('public.ecr.aws/hasura-blog/web:2.0.0') }) },
  { name: 'database instance class t3.micro -> t3.small', edit: database({ instanceType: new ec2.InstanceType('t3.small') }) },
  { name: 'database instance class t3.micro -> m6g.large', edit: database({ instanceType: new ec2.InstanceType('m6g.large') }) },
  { name: 'Multi-AZ turned on', edit: database({ multiAz: true }), conditionallyCreateOnly: 'MultiAZ' },
  {
    name: 'Multi-AZ turned off',
    before: database({ multiAz: true }),
    edit: database({ multiAz: false }),
    conditionallyCreateOnly: 'MultiAZ',
  },
  { name: 'allocated storage 20 -> 30 GiB', edit: database({ allocatedStorageGiB: 30 }) },
  { name: 'storage autoscaling limit 40 -> 200 GiB', edit: database({ maxAllocatedStorageGiB: 200 }) },
  { name: 'backups kept 14 days instead of 7', edit: database({ backupRetention: Duration.days(14) }), conditionallyCreateOnly: 'BackupRetentionPeriod' },
  { name: 'backup window 03:00-04:00 -> 05:00-05:30', edit: database({ preferredBackupWindow: '05:00-05:30' }) },
  {
    name: 'maintenance window mon 04:00 -> sun 06:00',
    edit: database({ preferredMaintenanceWindow: 'sun:06:00-sun:07:00' }),
    conditionallyCreateOnly: 'PreferredMaintenanceWindow',
  },
  {
    name: 'PostgreSQL minor upgrade 15.16 -> 15.17',
    before: database({ engineVersion: rds.PostgresEngineVersion.VER_15_16 }),
    edit: database({ engineVersion: rds.PostgresEngineVersion.VER_15_17 }),
  },
  { name: 'database deletion protection turned off (before a planned removal)', edit: database({ deletionProtection: false }) },
  { name: 'container logs kept one month instead of one week', edit: (props) => ({ ...props, logRetention: logs.RetentionDays.ONE_MONTH }) },
  { name: 'VPC flow logs kept two years instead of one', edit: network({ flowLogRetention: logs.RetentionDays.TWO_YEARS }) },
  {
    name: 'a custom domain is added (HTTPS)',
    edit: (props, imports) => ({
      ...props,
      domain: {
        domainName: 'blog.example.com',
        hostedZone: route53.HostedZone.fromHostedZoneAttributes(imports, 'Zone', {
          hostedZoneId: 'Z0123456789EXAMPLE', zoneName: 'example.com',
        }),
      },
    }),
  },
  { name: 'Hasura console turned off', edit: withoutConsole },
  { name: 'Hasura console turned on', before: withoutConsole, edit: hasura({ console: { allowedCidrs: ['203.0.113.0/24'], insecureAllowPlainHttp: true } }) },
  { name: 'Hasura console CIDRs changed', edit: hasura({ console: { allowedCidrs: ['198.51.100.0/24', '192.0.2.16/28'], insecureAllowPlainHttp: true } }) },
  { name: 'Hasura gets extra environment variables', edit: hasura({ environment: { HASURA_GRAPHQL_LOG_LEVEL: 'warn', TZ: 'UTC' } }) },
  { name: 'Next.js gets extra environment variables', edit: nextjs({ environment: { NEXT_TELEMETRY_DISABLED: '1', SITE_NAME: 'Hasura Blog' } }) },
  { name: 'Hasura gets an extra secret', edit: (props, imports) => hasura({ secrets: { ACTION_WEBHOOK_SECRET: importedSecret(imports, 'webhook') } })(props, imports) },
  { name: 'Next.js gets an extra secret', edit: (props, imports) => nextjs({ secrets: { STRIPE_SECRET_KEY: importedSecret(imports, 'stripe') } })(props, imports) },
  { name: 'deregistration delay 30 -> 120 s', edit: loadBalancer({ deregistrationDelay: Duration.seconds(120) }) },
  { name: 'load balancer deletion protection turned off', edit: loadBalancer({ deletionProtection: false }) },
  { name: 'access logs kept 30 days instead of 90', edit: loadBalancer({ accessLogRetentionDays: 30 }) },
  {
    name: 'a WAF web ACL is associated',
    edit: loadBalancer({ webAclArn: 'arn:aws:wafv2:us-east-1:111122223333:regional/webacl/hasura-blog/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111' }),
  },
  { name: 'autoscaling turned on for both services', edit: withAutoScaling },
  {
    name: 'autoscaling turned off again (fixed counts)',
    before: withAutoScaling,
    edit: (props, imports) => nextjs({ autoScaling: undefined, desiredCount: 2 })(
      hasura({ autoScaling: undefined, desiredCount: 2 })(props, imports), imports),
  },
  { name: 'autoscaling limits raised', before: withAutoScaling, edit: nextjs({ desiredCount: undefined, autoScaling: { minTasks: 3, maxTasks: 12, requestsPerTarget: 500 } }) },
  { name: 'both services move to ARM64 (Graviton)', edit: onArm64 },
  { name: 'both services move back to X86_64', before: onArm64, edit: (props, imports) => nextjs({ cpuArchitecture: ecs.CpuArchitecture.X86_64 })(hasura({ cpuArchitecture: ecs.CpuArchitecture.X86_64 })(props, imports), imports) },
  { name: 'Next.js runs beyond its first task on Fargate Spot', edit: nextjs({ fargateSpot: true }) },
  { name: 'load balancer idle timeout 25 -> 20 s', edit: loadBalancer({ idleTimeout: Duration.seconds(20) }) },
  { name: 'database max_connections set explicitly', edit: database({ maxConnections: 100 }) },
  { name: 'Hasura stop timeout and health-check grace period changed', edit: hasura({ stopTimeout: Duration.seconds(120), healthCheckGracePeriod: Duration.seconds(120) }) },
  { name: 'ECS Exec turned on for Hasura', edit: hasura({ enableExecuteCommand: true }) },
  {
    name: 'the blog\'s Hasura project is applied on deploy',
    edit: hasura({ desiredCount: 1, project: HasuraProject.fromDirectory(path.join(__dirname, '..', 'examples', 'hasura-project')) }),
  },
  { name: 'Next.js no longer gets the admin secret and the JWT key', edit: nextjs({ exposeHasuraAdminSecret: false, exposeJwtSigningKey: false }) },
  { name: 'NAT gateways 2 -> 1', edit: network({ natGateways: 1 }) },
  { name: 'monitoring turned on (alarms, topic, dashboard)', edit: withMonitoring },
  { name: 'monitoring turned off', before: withMonitoring, edit: (props) => ({ ...props, monitoring: undefined }) },
  { name: 'a monthly budget is added', edit: (props) => ({ ...props, budget: { monthlyLimitUsd: 300, emails: ['billing@example.com'] } }) },
  {
    name: 'daily backups copied to another region are added',
    edit: (props) => ({ ...props, backup: { copyToVaultArn: 'arn:aws:backup:us-west-2:111122223333:backup-vault:hasura-blog-dr' } }),
  },
  { name: 'NAT gateways 1 -> 2', before: network({ natGateways: 1 }), edit: network({ natGateways: 2 }) },
  {
    // RDS's handler sets a missing key in place (ImmutabilityHelper.isPerformanceInsightsKMSKeyIdMutable).
    name: 'Performance Insights turned on, with the platform key',
    edit: database({ performanceInsights: true }),
    conditionallyCreateOnly: 'PerformanceInsightsKMSKeyId',
  },
  {
    name: 'Performance Insights keeps 3 months instead of 7 days',
    before: database({ performanceInsights: true }),
    edit: database({ performanceInsights: true, performanceInsightsRetention: rds.PerformanceInsightRetention.MONTHS_3 }),
  },
  { name: 'Performance Insights turned off again with false, which keeps its key', before: database({ performanceInsights: true }), edit: database({ performanceInsights: false }) },
  { name: 'Enhanced Monitoring every 10 s instead of 60', edit: database({ enhancedMonitoringInterval: Duration.seconds(10) }) },
  { name: 'Enhanced Monitoring turned off', edit: database({ enhancedMonitoringInterval: Duration.seconds(0) }) },
  { name: 'Next.js sends traces to X-Ray (a collector joins its tasks)', edit: nextjs({ tracing: {} }) },
  { name: 'Hasura\'s query-log turned on', edit: hasura({ queryLog: true }) },
];

/** Both services scale with load instead of keeping a fixed count. */
function withAutoScaling(props: HasuraNextjsPlatformProps, imports: Construct): HasuraNextjsPlatformProps {
  const scaled = hasura({ desiredCount: undefined, autoScaling: { minTasks: 2, maxTasks: 4 } })(props, imports);
  return nextjs({ desiredCount: undefined, autoScaling: { minTasks: 2, maxTasks: 6, requestsPerTarget: 1000 } })(scaled, imports);
}

/** Both services on Graviton. */
function onArm64(props: HasuraNextjsPlatformProps, imports: Construct): HasuraNextjsPlatformProps {
  return nextjs({ cpuArchitecture: ecs.CpuArchitecture.ARM64 })(hasura({ cpuArchitecture: ecs.CpuArchitecture.ARM64 })(props, imports), imports);
}

/** The case name, with the diff's conditional verdict spelled out where there is one. */
const titled = everydayEdits.map((edit) => ({
  ...edit,
  title: edit.conditionallyCreateOnly
    ? `${edit.name} [MAY_REPLACE only: ${edit.conditionallyCreateOnly} is conditionally create-only]`
    : edit.name,
}));

describe('everyday edits keep every stateful resource', () => {
  test.each(titled)('$title', ({ before, edit, conditionallyCreateOnly }) => {
    const diff = diffOf(before, edit);
    // The edit really changes the deployed stack; an edit that changed nothing would prove nothing.
    expect(diff.resources.differenceCount).toBeGreaterThan(0);
    const conditionalVerdict = conditionallyCreateOnly ? [`AWS::RDS::DBInstance MAY_REPLACE (${conditionallyCreateOnly})`] : [];
    expect(lossyChanges(diff)).toEqual(conditionalVerdict);
  });
});

interface CreationOnlyCase extends UpdateCase {
  /** What the diff must report, as `lossyChanges` formats it. */
  readonly lost: string[];
}

const ownKey = (scope: Construct) => kms.Key.fromKeyArn(scope, 'Key',
  'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');

const creationOnlyEdits: CreationOnlyCase[] = [
  {
    name: 'network.vpcCidr 10.0.0.0/16 -> 10.1.0.0/16 replaces the VPC and every subnet',
    edit: network({
      vpcCidr: '10.1.0.0/16',
      publicSubnetCidrs: ['10.1.0.0/24', '10.1.1.0/24'],
      privateSubnetCidrs: ['10.1.10.0/24', '10.1.11.0/24'],
    }),
    lost: [
      ...Array(4).fill('AWS::EC2::Subnet WILL_REPLACE (CidrBlock)'),
      'AWS::EC2::VPC WILL_REPLACE (CidrBlock)',
    ],
  },
  {
    name: 'network.availabilityZones us-east-1a/b -> us-east-1a/c replaces the subnets of the second zone',
    edit: network({ availabilityZones: ['us-east-1a', 'us-east-1c'] }),
    lost: Array(2).fill('AWS::EC2::Subnet WILL_REPLACE (AvailabilityZone)'),
  },
  {
    name: 'network.privateSubnetCidrs moved replaces the private subnets',
    edit: network({ privateSubnetCidrs: ['10.0.20.0/24', '10.0.21.0/24'] }),
    lost: Array(2).fill('AWS::EC2::Subnet WILL_REPLACE (CidrBlock)'),
  },
  {
    name: 'database.databaseName hasura -> blog replaces the database',
    edit: database({ databaseName: 'blog' }),
    lost: ['AWS::RDS::DBInstance WILL_REPLACE (DBName)'],
  },
  {
    name: 'database.engineVersion 15 -> 16 may replace the database (new parameter group family)',
    edit: database({ engineVersion: rds.PostgresEngineVersion.VER_16_13 }),
    lost: ['AWS::RDS::DBInstance MAY_REPLACE (DBParameterGroupName)'],
  },
  {
    name: 'platformName renamed replaces both container log groups',
    edit: (props) => ({ ...props, platformName: 'hasura-blog' }),
    lost: Array(2).fill('AWS::Logs::LogGroup WILL_REPLACE (LogGroupName)'),
  },
  {
    name: 'encryptionKey of your own re-encrypts the database storage (replacement) and orphans the platform\'s key (retained)',
    edit: (props, imports) => ({ ...props, encryptionKey: ownKey(imports) }),
    lost: ['AWS::KMS::Key WILL_ORPHAN', 'AWS::RDS::DBInstance WILL_REPLACE (KmsKeyId)'],
  },
  {
    name: 'database.snapshotIdentifier set restores into a new instance: it REPLACES the database (the old one leaves its final snapshot)',
    edit: database({ snapshotIdentifier: 'hasura-blog-before-upgrade' }),
    lost: ['AWS::RDS::DBInstance WILL_REPLACE (DBName, DBSnapshotIdentifier, KmsKeyId, MasterUsername, StorageEncrypted)'],
  },
  {
    name: 'network.flowLogs off orphans the flow log group (retained)',
    edit: network({ flowLogs: false }),
    lost: ['AWS::Logs::LogGroup WILL_ORPHAN'],
  },
  {
    // The diff can only say "may replace"; RDS's handler refuses a changed key in place, so CloudFormation
    // replaces the instance. `performanceInsights: false` is the way back (above).
    name: 'database.performanceInsights removed after it was on takes its key out of the template: the instance would be replaced',
    before: database({ performanceInsights: true }),
    edit: database({ performanceInsights: undefined }),
    lost: ['AWS::RDS::DBInstance MAY_REPLACE (PerformanceInsightsKMSKeyId)'],
  },
  {
    name: 'loadBalancer.accessLogs off orphans the access log bucket (retained)',
    edit: loadBalancer({ accessLogs: false }),
    lost: ['AWS::S3::Bucket WILL_ORPHAN'],
  },
];

describe('creation-only settings are detected as replacing or leaving data behind', () => {
  test.each(creationOnlyEdits)('$name', ({ before, edit, lost }) => {
    expect(lossyChanges(diffOf(before, edit))).toEqual([...lost].sort());
  });
});

describe('turning the CDN on for a deployed platform', () => {
  const withDomain: Edit = (props, imports) => ({
    ...props,
    hasura: { ...props.hasura, console: undefined },
    domain: {
      domainName: 'blog.example.com',
      hostedZone: route53.HostedZone.fromHostedZoneAttributes(imports, 'Zone', { hostedZoneId: 'Z0123456789EXAMPLE', zoneName: 'example.com' }),
    },
  });
  const withCdn: Edit = (props, imports) => ({
    ...props,
    cdn: { originFacingPrefixList: ec2.PrefixList.fromPrefixListId(imports, 'OriginFacing', 'pl-3b927c52') },
  });
  const diff = diffOf(withDomain, withCdn);

  test('keeps the database and every other stateful resource', () => {
    expect(lossyChanges(diff)).toEqual([]);
  });

  // The security group is replaced too (its description says what it admits), and with it the rules
  // that name it; the listener rule follows its listener.
  test('replaces only the load balancer, its listeners and security group, and moves the alias record', () => {
    const replaced: string[] = [];
    const removed: string[] = [];
    diff.resources.forEachDifference((_logicalId, change) => {
      const type = change.oldResourceType ?? change.newResourceType ?? '';
      if (change.changeImpact === ResourceImpact.WILL_REPLACE) {
        replaced.push(type);
      } else if (change.changeImpact === ResourceImpact.WILL_DESTROY) {
        removed.push(type);
      }
    });
    expect(replaced.sort()).toEqual([
      'AWS::EC2::SecurityGroup',
      'AWS::EC2::SecurityGroupEgress',
      'AWS::EC2::SecurityGroupEgress',
      'AWS::EC2::SecurityGroupIngress',
      'AWS::EC2::SecurityGroupIngress',
      'AWS::ElasticLoadBalancingV2::Listener',
      'AWS::ElasticLoadBalancingV2::Listener',
      'AWS::ElasticLoadBalancingV2::ListenerRule',
      'AWS::ElasticLoadBalancingV2::LoadBalancer',
    ]);
    expect(removed.sort()).toEqual(['AWS::Route53::RecordSet']);
  });
});
