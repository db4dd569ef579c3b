// The contracts between the platform's services hold in every example, and each check catches the
// breach it is written for.
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { exampleNames } from '../../examples/synth-all';
import { exampleRecoveryTemplates, exampleTemplate, synthesizedExample } from '../examples/helpers';
import { synthPlatform } from '../util';
import {
  backupCopiesLand, contractBreaches, platformNameOf, containersFitTheirTask, customResourcesFitLimits, databaseRoleHandlerReaches,
  fixedNamesCarryPlatformName, hasuraLogsInAsItsRole, hasuraMetricsReadHasuraLogs, nothingPullsAnonymouslyFromDockerHub, oneEngine,
  orderingIsExplicit, publishersMayPublish, rdsMayUseItsKeys, tasksReadTheirSecrets, tracesReachXRay,
} from './contracts';

/** Names derived from a name the user chose: the database's own log groups, named after its identifier. */
const USER_DERIVED_NAMES = [/^\/aws\/rds\/instance\//];

test.each(exampleNames())('%s keeps every contract between its services', (name) => {
  // Every stack that holds a platform: the example's own, or a pipeline's stages.
  for (const [label, template] of Object.entries(synthesizedExample(name).platformTemplates)) {
    expect([label, contractBreaches(template as any, platformNameOf(template as any), USER_DERIVED_NAMES)]).toEqual([label, []]);
  }
});

test.each(exampleRecoveryTemplates())('%s keeps every contract between its services', (_label, template) => {
  // The recovery region's vault is named <platformName>-dr.
  const vault = Object.values<any>(template.Resources).find((r) => r.Type === 'AWS::Backup::BackupVault');
  const platformName = vault.Properties.BackupVaultName.replace(/-dr$/, '');
  expect(contractBreaches(template as any, platformName, USER_DERIVED_NAMES)).toEqual([]);
});

test('with monitoring, a budget and backups, CloudWatch, AWS Budgets and EventBridge may all publish to the topic and use its key', () => {
  const { template } = synthPlatform({
    platformName: 'shop',
    monitoring: {},
    budget: { monthlyLimitUsd: 100 },
    backup: { copyToRegion: 'us-west-2' },
  });
  const resources = template.toJSON().Resources;
  expect(contractBreaches(template.toJSON() as any, 'shop')).toEqual([]);
  const services = Object.values<any>(resources).filter((r) => r.Type === 'AWS::SNS::TopicPolicy')
    .flatMap((p) => p.Properties.PolicyDocument.Statement).flatMap((s: any) => [s.Principal?.Service ?? []].flat());
  expect(services).toEqual(expect.arrayContaining(['cloudwatch.amazonaws.com', 'budgets.amazonaws.com', 'events.amazonaws.com']));
});

describe('each check catches its breach', () => {
  const topic = { Type: 'AWS::SNS::Topic', Properties: { KmsMasterKeyId: { 'Fn::GetAtt': ['Key', 'Arn'] } } };
  const alarm = { Type: 'AWS::CloudWatch::Alarm', Properties: { AlarmActions: [{ Ref: 'Topic' }] } };
  const allow = (service: string, actions: string[]) => ({ Effect: 'Allow', Principal: { Service: service }, Action: actions, Resource: '*' });

  test('a topic policy that admits only AWS Budgets leaves CloudWatch alarms notifying nobody', () => {
    const resources = {
      Topic: topic,
      Alarm: alarm,
      Policy: { Type: 'AWS::SNS::TopicPolicy', Properties: { Topics: [{ Ref: 'Topic' }], PolicyDocument: { Statement: [allow('budgets.amazonaws.com', ['sns:Publish'])] } } },
      Key: { Type: 'AWS::KMS::Key', Properties: { KeyPolicy: { Statement: [allow('cloudwatch.amazonaws.com', ['kms:Decrypt', 'kms:GenerateDataKey*'])] } } },
    };
    expect(publishersMayPublish(resources)).toEqual(['Alarm publishes to Topic, whose topic policy does not allow cloudwatch.amazonaws.com sns:Publish']);
  });

  test('a key that does not let the publisher use it', () => {
    const resources = { Topic: topic, Alarm: alarm, Key: { Type: 'AWS::KMS::Key', Properties: { KeyPolicy: { Statement: [] } } } };
    expect(publishersMayPublish(resources)).toEqual(['Alarm publishes to Topic, whose key Key does not let cloudwatch.amazonaws.com use it']);
  });

  test('a secret given to a task that its execution role cannot read, and one it can read but is not given', () => {
    const resources = {
      Given: { Type: 'AWS::SecretsManager::Secret', Properties: {} },
      Extra: { Type: 'AWS::SecretsManager::Secret', Properties: {} },
      Task: { Type: 'AWS::ECS::TaskDefinition', Properties: { ExecutionRoleArn: { 'Fn::GetAtt': ['Role', 'Arn'] }, ContainerDefinitions: [{ Name: 'app', Secrets: [{ Name: 'A', ValueFrom: { Ref: 'Given' } }] }] } },
      Policy: { Type: 'AWS::IAM::Policy', Properties: { Roles: [{ Ref: 'Role' }], PolicyDocument: { Statement: [{ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: { Ref: 'Extra' } }] } } },
    };
    expect(tasksReadTheirSecrets(resources)).toEqual([
      'Task is given Given, which its execution role Role cannot read',
      'Task\'s execution role Role can read Extra, which no container is given',
    ]);
  });

  test('a project applied by another image than the one that serves', () => {
    const task = (name: string, image: string) => ({ Type: 'AWS::ECS::TaskDefinition', Properties: { ContainerDefinitions: [{ Name: name, Image: image }] } });
    expect(oneEngine({ A: task('hasura', 'hasura/graphql-engine:v2.40.0'), B: task('hasura-project', 'x:v2.51.3.cli-migrations-v3') }))
      .toEqual(['the project is applied by "x:v2.51.3.cli-migrations-v3", which no serving Hasura task runs']);
  });

  test('an image pulled from Docker Hub without credentials, and the names that are not Docker Hub', () => {
    const task = (image: string) => ({ Type: 'AWS::ECS::TaskDefinition', Properties: { ContainerDefinitions: [{ Name: 'c', Image: image }] } });
    expect(nothingPullsAnonymouslyFromDockerHub({ T: task('hasura/graphql-engine:v2.51.3') }))
      .toEqual(['T/c pulls hasura/graphql-engine:v2.51.3 from Docker Hub without credentials']);
    expect(nothingPullsAnonymouslyFromDockerHub({ T: task('docker.io/library/node:22') })).toHaveLength(1);
    expect(nothingPullsAnonymouslyFromDockerHub({ T: task('public.ecr.aws/example/web:1') })).toEqual([]);
    expect(nothingPullsAnonymouslyFromDockerHub({ T: task('localhost:5000/web:1') })).toEqual([]);
  });

  test('a real platform given a Docker Hub image of its own breaches it', () => {
    const { template } = synthPlatform({ hasura: { image: ecs.ContainerImage.fromRegistry('hasura/graphql-engine:v2.51.3') } });
    expect(nothingPullsAnonymouslyFromDockerHub(template.toJSON().Resources)).toHaveLength(1);
  });

  test('a real platform whose trace collector comes from Docker Hub breaches it too', () => {
    const { template } = synthPlatform({
      nextjs: { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/example/web:1'), tracing: { collectorImage: ecs.ContainerImage.fromRegistry('amazon/aws-otel-collector:v0.50.0') } },
      hasura: { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/example/hasura:v2.51.3') },
    });
    expect(nothingPullsAnonymouslyFromDockerHub(template.toJSON().Resources)).toEqual([
      expect.stringMatching(/\/otel-collector pulls amazon\/aws-otel-collector:v0\.50\.0 from Docker Hub without credentials$/),
    ]);
  });

  describe('traces reach X-Ray', () => {
    const config = (port: number, exporter = 'awsxray') => JSON.stringify({
      receivers: { otlp: { protocols: { http: { endpoint: `127.0.0.1:${port}` } } } },
      exporters: { [exporter]: {} },
      service: { pipelines: { traces: { receivers: ['otlp'], exporters: [exporter] } } },
    });
    const task = (endpoint: string, collector: { [key: string]: any }) => ({
      Type: 'AWS::ECS::TaskDefinition',
      Properties: {
        TaskRoleArn: { 'Fn::GetAtt': ['Role', 'Arn'] },
        ContainerDefinitions: [
          { Name: 'web', Essential: true, Environment: [{ Name: 'OTEL_EXPORTER_OTLP_ENDPOINT', Value: endpoint }] },
          { Name: 'collector', Essential: false, Environment: [{ Name: 'AOT_CONFIG_CONTENT', Value: config(4318) }], ...collector },
        ],
      },
    });
    const policy = (action: string) => ({ Type: 'AWS::IAM::Policy', Properties: { Roles: [{ Ref: 'Role' }], PolicyDocument: { Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] } } });

    test('kept: loopback endpoint, a collector on its port, not essential, a role that may put segments', () => {
      expect(tracesReachXRay({ T: task('http://127.0.0.1:4318', {}), P: policy('xray:PutTraceSegments') })).toEqual([]);
    });

    test('an endpoint outside the task, a port no collector receives on, an essential collector, a role without the action', () => {
      expect(tracesReachXRay({ T: task('http://collector.internal:4318', {}), P: policy('xray:PutTraceSegments') }))
        .toEqual(['T/web exports traces to collector.internal:4318, which is not the task\'s loopback']);
      expect(tracesReachXRay({ T: task('http://127.0.0.1:4317', {}), P: policy('xray:PutTraceSegments') }))
        .toEqual(['T/web exports traces to port 4317, where no collector in its task receives OTLP/HTTP']);
      expect(tracesReachXRay({ T: task('http://127.0.0.1:4318', { Essential: true }), P: policy('xray:PutTraceSegments') }))
        .toEqual(['T/collector is essential: its exit would stop the task']);
      expect(tracesReachXRay({ T: task('http://127.0.0.1:4318', {}), P: policy('xray:GetSamplingRules') }))
        .toEqual(['T\'s task role Role may not call xray:PutTraceSegments, so its collector cannot send traces']);
    });

    test('the traced example keeps it: hasura-blog-https', () => {
      const resources = synthesizedExample('hasura-blog-https').template.Resources;
      expect(Object.values<any>(resources).filter((r) => JSON.stringify(r).includes('OTEL_EXPORTER_OTLP_ENDPOINT'))).toHaveLength(1);
      expect(tracesReachXRay(resources)).toEqual([]);
    });
  });

  test('containers whose memory exceeds what their task leaves them, the Service Connect proxy counted', () => {
    const task = (memories: number[]) => ({ Type: 'AWS::ECS::TaskDefinition', Properties: { Memory: '1024', ContainerDefinitions: memories.map((Memory) => ({ Memory })) } });
    const service = { Type: 'AWS::ECS::Service', Properties: { TaskDefinition: { Ref: 'T' }, ServiceConnectConfiguration: { Enabled: true } } };
    expect(containersFitTheirTask({ T: task([832, 128]), S: service })).toEqual([]);
    expect(containersFitTheirTask({ T: task([960, 128]), S: service })).toEqual(['T\'s containers may use 1088 MiB, more than the 960 MiB its task leaves them']);
    expect(containersFitTheirTask({ T: task([960, 64]) })).toEqual([]);
  });

  test('a metric filter over Hasura\'s http-log that reads another log group', () => {
    const group = (name: string) => ({ Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: name } });
    const filter = (groupId: string) => ({ Type: 'AWS::Logs::MetricFilter', Properties: { FilterPattern: '{ $.type = "http-log" }', LogGroupName: { Ref: groupId } } });
    const resources = { Hasura: group('/ecs/shop/hasura'), Web: group('/ecs/shop/nextjs'), Good: filter('Hasura'), Bad: filter('Web') };
    expect(hasuraMetricsReadHasuraLogs(resources, 'shop')).toEqual(['Bad reads Hasura\'s http-log from {"Ref":"Web"}, not from Hasura\'s log group']);
  });

  test('a fixed name without the platform name, which a second platform in the account would collide with', () => {
    const resources = { Plan: { Type: 'AWS::Backup::BackupPlan', Properties: { BackupPlan: { BackupPlanName: 'Plan' } } } };
    expect(fixedNamesCarryPlatformName(resources, 'shop')).toEqual(['Plan (AWS::Backup::BackupPlan) is named "Plan", without the platform name shop']);
  });

  test('a custom resource that may outlast CloudFormation\'s hour', () => {
    expect(customResourcesFitLimits({ R: { Type: 'Custom::X', Properties: { ServiceTimeout: 7200 } } }))
      .toEqual(['R sets ServiceTimeout 7200, above CloudFormation\'s 3600 seconds']);
  });

  test('tasks that do not wait for the NAT routes, and a budget that does not wait for its topic policy', () => {
    const resources = {
      Route: { Type: 'AWS::EC2::Route', Properties: { NatGatewayId: { Ref: 'Nat' } } },
      Service: { Type: 'AWS::ECS::Service', Properties: {} },
      Policy: { Type: 'AWS::SNS::TopicPolicy', Properties: { Topics: [{ Ref: 'Topic' }] } },
      Budget: { Type: 'AWS::Budgets::Budget', Properties: { NotificationsWithSubscribers: [{ Subscribers: [{ Address: { Ref: 'Topic' } }] }] } },
    };
    expect(orderingIsExplicit(resources)).toEqual([
      'Service does not wait for the NAT routes Route',
      'Budget notifies a topic but does not wait for its topic policy Policy',
    ]);
  });

  describe('Hasura\'s database role, on a real template (hasura-blog-dev, which applies a project) broken on purpose', () => {
    /** A copy of the template's resources, and the ids the checks below break. */
    function resources() {
      const copy = JSON.parse(JSON.stringify(exampleTemplate('hasura-blog-dev').Resources));
      const [roleId, role] = Object.entries<any>(copy).find(([, r]) => r.Type === 'Custom::HasuraDatabaseRole')!;
      const container = (name: string) => Object.values<any>(copy).filter((r) => r.Type === 'AWS::ECS::TaskDefinition')
        .flatMap((t) => t.Properties.ContainerDefinitions).find((c: any) => c.Name === name);
      const handlerId = Object.entries<any>(copy).find(([, r]) => r.Properties?.Environment?.Variables?.DATABASE_ROLE_SETTINGS)![0];
      return { copy, roleId, role, container, handlerId };
    }

    test('as it is, it keeps the contracts: both Hasura task definitions are the role\'s clients', () => {
      const { copy, role } = resources();
      expect(role.Properties.Clients).toHaveLength(2);
      expect([...hasuraLogsInAsItsRole(copy), ...databaseRoleHandlerReaches(copy), ...orderingIsExplicit(copy)]).toEqual([]);
    });

    test('a Hasura container given the master secret', () => {
      const { copy, role, container } = resources();
      const user = container('hasura').Secrets.find((secret: any) => secret.Name === 'PLATFORM_DB_USER');
      user.ValueFrom = JSON.parse(JSON.stringify(user.ValueFrom).replace(role.Properties.RoleSecretArn.Ref, role.Properties.MasterSecretArn.Ref));
      expect(hasuraLogsInAsItsRole(copy)).toEqual([expect.stringMatching(/\/hasura is given the master secret PlatformDatabaseCredentials7CA8FA36 as PLATFORM_DB_USER$/)]);
    });

    test('a project task whose credentials come from another secret', () => {
      const { copy, role, container } = resources();
      const password = container('hasura-project').Secrets.find((secret: any) => secret.Name === 'PLATFORM_DB_PASSWORD');
      password.ValueFrom = JSON.parse(JSON.stringify(password.ValueFrom).replace(role.Properties.RoleSecretArn.Ref, 'SomeOtherSecret'));
      expect(hasuraLogsInAsItsRole(copy)).toEqual([expect.stringMatching(/\/hasura-project takes PLATFORM_DB_PASSWORD from no database role's secret$/)]);
    });

    test('a service and a project deployment that do not wait for the role, and a role that does not wait for the database', () => {
      const { copy, roleId } = resources();
      const dependents = Object.entries<any>(copy).filter(([, r]) => ['AWS::ECS::Service', 'Custom::HasuraProjectDeployment'].includes(r.Type)
        && (r.DependsOn ?? []).includes(roleId));
      expect(dependents.map(([, r]) => r.Type).sort()).toEqual(['AWS::ECS::Service', 'Custom::HasuraProjectDeployment']);
      for (const [, resource] of dependents) {
        resource.DependsOn = resource.DependsOn.filter((id: string) => id !== roleId);
      }
      copy[roleId].DependsOn = copy[roleId].DependsOn.filter((id: string) => !id.startsWith('PlatformDatabaseInstance'));
      expect(orderingIsExplicit(copy).sort()).toEqual([
        `${roleId} does not wait for the database`,
        ...dependents.map(([id]) => `${id} logs in as the database role but does not wait for ${roleId}`),
      ].sort());
    });

    test('a handler the database does not admit, that cannot get out to Secrets Manager, or read the master secret', () => {
      const { copy, role, handlerId } = resources();
      const ingressId = Object.entries<any>(copy).find(([id, r]) => r.Type === 'AWS::EC2::SecurityGroupIngress' && id.includes('HasuraRoleSecurityGroup'))![0];
      delete copy[ingressId];
      const handlerGroup = copy[handlerId].Properties.VpcConfig.SecurityGroupIds[0]['Fn::GetAtt'][0];
      copy[handlerGroup].Properties.SecurityGroupEgress = [];
      for (const policy of Object.values<any>(copy).filter((r) => r.Type === 'AWS::IAM::Policy')) {
        policy.Properties.PolicyDocument.Statement = policy.Properties.PolicyDocument.Statement
          .filter((st: any) => JSON.stringify(st.Resource) !== JSON.stringify({ Ref: role.Properties.MasterSecretArn.Ref }));
      }
      expect(databaseRoleHandlerReaches(copy)).toEqual([
        expect.stringMatching(/^PlatformDatabaseInstance\w+'s security group does not admit /),
        `${handlerId}'s security group does not let it out to Secrets Manager on 443`,
        `${handlerId} cannot read ${role.Properties.MasterSecretArn.Ref} (MasterSecretArn)`,
      ]);
    });

    test('a handler outside the VPC', () => {
      const { copy, handlerId } = resources();
      delete copy[handlerId].Properties.VpcConfig;
      expect(databaseRoleHandlerReaches(copy)).toEqual([`${handlerId} is not in the VPC, so it cannot reach the database`]);
    });
  });

  test('a database whose key gives the account no grants, or denies the grants RDS makes', () => {
    const instance = { Type: 'AWS::RDS::DBInstance', Properties: { KmsKeyId: { 'Fn::GetAtt': ['Key', 'Arn'] } } };
    const root = { Effect: 'Allow', Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::123456789012:root']] } }, Action: 'kms:*', Resource: '*' };
    const key = (...statements: any[]) => ({ Type: 'AWS::KMS::Key', Properties: { KeyPolicy: { Statement: statements } } });
    expect(rdsMayUseItsKeys({ Db: instance, Key: key(allow('logs.us-west-2.amazonaws.com', ['kms:*'])) }))
      .toEqual(['Db is encrypted with Key, whose policy does not let the account\'s principals create the grant RDS needs']);
    const denyAll = { Effect: 'Deny', Principal: { AWS: '*' }, Action: 'kms:CreateGrant', Resource: '*' };
    expect(rdsMayUseItsKeys({ Db: instance, Key: key(root, denyAll) })).toEqual(['Db is encrypted with Key, whose policy denies the grants RDS creates']);
    const denyOthers = { ...denyAll, Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false' } } };
    expect(rdsMayUseItsKeys({ Db: instance, Key: key(root, denyOthers) })).toEqual([]);
  });

  test('backup copies to a vault the recovery region does not hold, or that the plan\'s role cannot re-encrypt into', () => {
    const plan = (vaultName: string) => ({
      Type: 'AWS::Backup::BackupPlan',
      Properties: { BackupPlan: { BackupPlanRule: [{ CopyActions: [{ DestinationBackupVaultArn: `arn:aws:backup:us-west-2:123456789012:backup-vault:${vaultName}` }] }] } },
    });
    const grant = {
      Type: 'AWS::IAM::Policy',
      Properties: {
        PolicyDocument: {
          Statement: [{
            Effect: 'Allow',
            Action: ['kms:CreateGrant'],
            Resource: 'arn:aws:kms:us-west-2:123456789012:key/*',
            Condition: { StringLike: { 'kms:ViaService': ['backup.us-west-2.amazonaws.com'] } },
          }],
        },
      },
    };
    const recovery = {
      Key: { Type: 'AWS::KMS::Key', Properties: {} },
      Vault: { Type: 'AWS::Backup::BackupVault', Properties: { BackupVaultName: 'shop-dr', EncryptionKeyArn: { 'Fn::GetAtt': ['Key', 'Arn'] } } },
    };
    expect(backupCopiesLand({ Plan: plan('shop-dr'), Grant: grant }, recovery, 'us-west-2')).toEqual([]);
    expect(backupCopiesLand({ Plan: plan('shop-dr'), Grant: grant }, recovery, 'eu-west-1'))
      .toEqual(['Plan copies to arn:aws:backup:us-west-2:123456789012:backup-vault:shop-dr, which is no vault of the recovery region eu-west-1']);
    expect(backupCopiesLand({ Plan: plan('blog-dr'), Grant: grant }, recovery, 'us-west-2')).toHaveLength(1);
    expect(backupCopiesLand({ Plan: plan('shop-dr') }, recovery, 'us-west-2'))
      .toEqual(['Plan\'s role may not use the keys of us-west-2 through AWS Backup, so its copies cannot be re-encrypted there']);
  });
});
