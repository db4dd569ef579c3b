// The cdk-nag v3 packs AwsSolutions, NIST 800-53 rev 5 and HIPAA Security find nothing
// unacknowledged in any example, and the acknowledgements the platform makes are exactly the ones
// listed here (and in the README), each with a specific reason on the narrowest construct.
import * as fs from 'fs';
import * as path from 'path';
import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { AwsSolutionsChecks, HIPAASecurityChecks, NagPack, NIST80053R5Checks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { EXAMPLE_CONTEXT } from '../examples/example-app';
import { exampleNames } from '../examples/synth-all';
import { HasuraNextjsPlatform } from '../src';
import { TEST_ENV, testApp } from './util';

function packs(app: App): NagPack[] {
  return [new AwsSolutionsChecks(app), new NIST80053R5Checks(app), new HIPAASecurityChecks(app)];
}

/**
 * The example's app with the examples' context, without aws-cdk-lib's built-in CloudFormation
 * validation: `npm run synth:examples` (which CI runs) synthesizes every example with it, as its cdk.json
 * configures it, and it would only repeat that here, at a second of CPU per example.
 */
function appOf(name: string): App {
  const app = new App({ context: EXAMPLE_CONTEXT, builtinCloudFormationValidation: false });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(`../examples/${name}/main`).createStack(app);
  return app;
}

interface Acknowledgement {
  readonly path: string;
  readonly id: string;
  readonly reason: string;
}

const RULE_PREFIX = /^Annotation::((AwsSolutions|NIST\.800\.53\.R5|HIPAA\.Security)-.+)$/;

/** The rule-pack acknowledgements recorded anywhere under `scope`. */
function acknowledgements(scope: IConstruct): Acknowledgement[] {
  const found: Acknowledgement[] = [];
  for (const construct of scope.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) {
        continue;
      }
      for (const [key, reason] of Object.entries(entry.data as { [id: string]: string })) {
        const match = RULE_PREFIX.exec(key);
        if (match) {
          found.push({ path: construct.node.path, id: match[1], reason });
        }
      }
    }
  }
  return found;
}

/** Rule ids the platform acknowledges, in all its configurations exercised below, and those the examples acknowledge. */
const ACKNOWLEDGED_RULES = [
  'AwsSolutions-CFR1',
  'AwsSolutions-CFR2',
  'AwsSolutions-EC23',
  'AwsSolutions-EC28',
  'AwsSolutions-EC29',
  'AwsSolutions-ECS2',
  'AwsSolutions-ECS4',
  'AwsSolutions-ELB2',
  'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
  'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
  // The Hasura database role's handler runs in the VPC, to reach the database.
  'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
  'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]',
  'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
  'AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
  'AwsSolutions-IAM5[Action::s3:Abort*]',
  'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
  'AwsSolutions-IAM5[Action::s3:GetBucket*]',
  'AwsSolutions-IAM5[Action::s3:GetObject*]',
  'AwsSolutions-IAM5[Action::s3:List*]',
  'AwsSolutions-IAM5[Resource::*]',
  'AwsSolutions-IAM5[Resource::<PlatformDeletionProtectionHandler0562FCAE.Arn>:*]',
  // The provider framework of the Hasura database role may invoke its handler's versions.
  'AwsSolutions-IAM5[Resource::<PlatformDatabaseHasuraRoleHandlerCF7AFD77.Arn>:*]',
  // The provider framework of the Hasura project deployment may invoke its own functions' versions.
  'AwsSolutions-IAM5[Resource::<PlatformHasuraProjectProviderframeworkisCompleteD76656B4.Arn>:*]',
  'AwsSolutions-IAM5[Resource::<PlatformHasuraProjectProviderframeworkonTimeout64EA73EE.Arn>:*]',
  'AwsSolutions-IAM5[Resource::<PlatformHasuraProjectStartFunction514DBBE8.Arn>:*]',
  'AwsSolutions-IAM5[Resource::<PlatformHasuraProjectStatusFunction9632FA42.Arn>:*]',
  // The deletion-protection handler of the replica in hasura-blog-https's recovery region, and the replicas it may protect there.
  'AwsSolutions-IAM5[Resource::<RecoveryReplicaDeletionProtectionHandler10C4760B.Arn>:*]',
  'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:rds:us-west-2:<AWS::AccountId>:db:*]',
  // The BucketDeployment handler's object wildcards over mix-day's Storybook bucket and the asset bucket.
  'AwsSolutions-IAM5[Resource::<StorybookBucketA4A6A588.Arn>/*]',
  'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:elasticloadbalancing:us-east-1:<AWS::AccountId>:loadbalancer/app/*]',
  'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kms:us-west-2:<AWS::AccountId>:key/*]',
  // ECS Exec session logs: any stream of the platform's exec log group.
  'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:us-east-1:<AWS::AccountId>:log-group:<PlatformExecLogGroupA7183F79>:*]',
  'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:rds:us-east-1:<AWS::AccountId>:db:*]',
  'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-us-east-1/*]',
  'AwsSolutions-L1',
  'AwsSolutions-RDS10',
  'AwsSolutions-RDS11',
  'AwsSolutions-RDS2',
  'AwsSolutions-RDS3',
  'AwsSolutions-S1',
  'AwsSolutions-SF1',
  'AwsSolutions-SF2',
  'AwsSolutions-SMG4',
  'AwsSolutions-VPC7',
  'HIPAA.Security-ALBHttpToHttpsRedirection',
  'HIPAA.Security-EC2InstanceDetailedMonitoringEnabled',
  'HIPAA.Security-EC2InstanceNoPublicIp',
  'HIPAA.Security-EC2InstancesInVPC',
  'HIPAA.Security-EC2RestrictedCommonPorts',
  'HIPAA.Security-EC2RestrictedSSH',
  'HIPAA.Security-ELBDeletionProtectionEnabled',
  'HIPAA.Security-ELBLoggingEnabled',
  'HIPAA.Security-ELBv2ACMCertificateRequired',
  'HIPAA.Security-IAMNoInlinePolicy',
  'HIPAA.Security-LambdaConcurrency',
  'HIPAA.Security-LambdaDLQ',
  'HIPAA.Security-LambdaInsideVPC',
  'HIPAA.Security-RDSInBackupPlan',
  'HIPAA.Security-RDSInstanceDeletionProtectionEnabled',
  'HIPAA.Security-RDSEnhancedMonitoringEnabled',
  'HIPAA.Security-RDSMultiAZSupport',
  'HIPAA.Security-RDSStorageEncrypted',
  'HIPAA.Security-S3BucketLoggingEnabled',
  'HIPAA.Security-S3BucketReplicationEnabled',
  'HIPAA.Security-S3DefaultEncryptionKMS',
  'HIPAA.Security-SecretsManagerRotationEnabled',
  'HIPAA.Security-VPCFlowLogsEnabled',
  'HIPAA.Security-VPCNoUnrestrictedRouteToIGW',
  'NIST.800.53.R5-ALBHttpToHttpsRedirection',
  'NIST.800.53.R5-ALBWAFEnabled',
  'NIST.800.53.R5-EC2InstanceDetailedMonitoringEnabled',
  'NIST.800.53.R5-EC2InstanceNoPublicIp',
  'NIST.800.53.R5-EC2InstancesInVPC',
  'NIST.800.53.R5-EC2RestrictedCommonPorts',
  'NIST.800.53.R5-EC2RestrictedSSH',
  'NIST.800.53.R5-ELBDeletionProtectionEnabled',
  'NIST.800.53.R5-ELBLoggingEnabled',
  'NIST.800.53.R5-ELBv2ACMCertificateRequired',
  'NIST.800.53.R5-IAMNoInlinePolicy',
  'NIST.800.53.R5-LambdaConcurrency',
  'NIST.800.53.R5-LambdaDLQ',
  'NIST.800.53.R5-LambdaInsideVPC',
  'NIST.800.53.R5-RDSInBackupPlan',
  'NIST.800.53.R5-RDSInstanceDeletionProtectionEnabled',
  'NIST.800.53.R5-RDSEnhancedMonitoringEnabled',
  'NIST.800.53.R5-RDSMultiAZSupport',
  'NIST.800.53.R5-RDSStorageEncrypted',
  'NIST.800.53.R5-S3BucketLoggingEnabled',
  'NIST.800.53.R5-S3BucketReplicationEnabled',
  'NIST.800.53.R5-S3DefaultEncryptionKMS',
  'NIST.800.53.R5-SecretsManagerRotationEnabled',
  'NIST.800.53.R5-VPCFlowLogsEnabled',
  'NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW',
  // aws-cdk-lib's CodePipeline in the pipeline example, acknowledged by examples/pipeline/compliance.ts:
  // the artifact grants, each build project's own logs and reports, asset publishing and self-mutation.
  'AwsSolutions-IAM5[Resource::<PipelineArtifactsBucketAEA9A052.Arn>/*]',
  'AwsSolutions-IAM5[Resource::arn:*:iam::<AWS::AccountId>:role/*]',
  'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:codebuild:us-east-1:<AWS::AccountId>:report-group/*]',
  'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:us-east-1:<AWS::AccountId>:log-group:/aws/codebuild/*]',
  ...['PipelineBuildSynthCdkBuildProject6BEFA8E6', 'PipelineDevSmokeCheckB5531BBC', 'PipelineProdSmokeCheck8441D5AC',
    'PipelineUpdatePipelineSelfMutationDAA41400'].flatMap((project) => [
    `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:codebuild:us-east-1:<AWS::AccountId>:report-group/<${project}>-*]`,
    `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:us-east-1:<AWS::AccountId>:log-group:/aws/codebuild/<${project}>:*]`,
  ]),
  'HIPAA.Security-CodeBuildProjectSourceRepoUrl',
  'HIPAA.Security-S3BucketVersioningEnabled',
  'NIST.800.53.R5-S3BucketVersioningEnabled',
];

/** A platform with every opt-out, so that the conditional acknowledgements show up too. */
function optOutApp(): App {
  const app = testApp();
  const stack = new Stack(app, 'OptOuts', { env: TEST_ENV });
  new HasuraNextjsPlatform(stack, 'Platform', {
    nextjs: { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/example/web:1') },
    network: { flowLogs: false },
    loadBalancer: { accessLogs: false, deletionProtection: false },
    database: { deletionProtection: false, enhancedMonitoringInterval: Duration.seconds(0) },
  });
  return app;
}

/** A platform restored from a snapshot, with monitoring on a topic of its own key. */
function restoredApp(): App {
  const app = testApp();
  const stack = new Stack(app, 'Restored', { env: TEST_ENV });
  new HasuraNextjsPlatform(stack, 'Platform', {
    nextjs: { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/example/web:1') },
    database: { snapshotIdentifier: 'hasura-blog-before-upgrade' },
    monitoring: {},
  });
  return app;
}

/** Builds each app once; the tests below only read it, but for the plugins one adds before synthesizing. */
function once(make: () => App): () => App {
  let app: App | undefined;
  return () => (app ??= make());
}

const apps: Array<[string, () => App]> = [...exampleNames().map((name) => [name, once(() => appOf(name))] as [string, () => App]),
  ['every opt-out', once(optOutApp)], ['restored from a snapshot', once(restoredApp)]];

/** The id of aws-cdk-lib's singleton function behind AwsCustomResource. */
const AWS_CUSTOM_RESOURCE_FUNCTION_ID = 'AWS679f53fac002430cb0da5b7982bd2287';

describe.each(apps)('%s', (_name, makeApp) => {
  test('has no unacknowledged finding in any of the three packs', () => {
    const app = makeApp();
    const findings = packs(app).flatMap((pack) => pack.validateScope(app).violations
      .map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`));
    expect(findings).toEqual([]);
  });

  test('synthesizes with the packs registered as validation plugins', () => {
    const app = makeApp();
    Validations.of(app).addPlugins(...packs(app));
    expect(() => app.synth()).not.toThrow();
  });

  test('acknowledges on resources, never on the stack or the whole platform, with specific reasons', () => {
    for (const acknowledgement of acknowledgements(makeApp())) {
      // aws-cdk-lib puts the one function behind every AwsCustomResource at the stack's root, and nowhere else.
      const depth = acknowledgement.path.endsWith(`/${AWS_CUSTOM_RESOURCE_FUNCTION_ID}`) ? 3 : acknowledgement.path.split('/').length;
      expect(depth).toBeGreaterThan(2);
      expect(acknowledgement.reason.length).toBeGreaterThan(60);
    }
  });
});

test('the acknowledged rule ids are exactly the pinned list', () => {
  // An ARN names the stack's account where it has one: the same acknowledgement, whatever the account.
  const ids = new Set(apps.flatMap(([, makeApp]) => acknowledgements(makeApp()).map((a) => a.id.replace(/:\d{12}:/g, ':<AWS::AccountId>:'))));
  expect([...ids].sort()).toEqual([...ACKNOWLEDGED_RULES].sort());
});

test('the README lists every acknowledged rule id', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Acknowledged findings'));
  const listed = ACKNOWLEDGED_RULES.filter((id) => section.includes(`\`${id.replace(/\[.*$/, '')}`));
  expect(listed).toEqual(ACKNOWLEDGED_RULES);
});

test('an unacknowledged weakening is still reported: unencrypted storage would be found', () => {
  const app = optOutApp();
  const stack = app.node.findAll().find((c) => c instanceof Stack) as Stack;
  const platform = stack.node.findChild('Platform') as HasuraNextjsPlatform;
  const database = platform.database.instance.node.defaultChild as any;
  database.storageEncrypted = false;
  const violations = new AwsSolutionsChecks(app).validateScope(app).violations.map((v) => v.ruleName);
  expect(violations).toContain('AwsSolutions-RDS2');
});
