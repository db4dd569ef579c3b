import * as fs from 'fs';
import * as path from 'path';
import { App, Duration, Stack, Stage } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks } from 'cdk-nag';
import { removeProjects, writeProject } from './fixtures';
import { HasuraProject, HasuraProjectDeployment, HasuraProjectDeploymentProps, PlatformDatabase } from '../../src';
import { METADATA_CHECK_PORT } from '../../src/hasura/start-script';
import { containerNamed, environmentOf, ingressRules, onlyResource, secretNamesOf, testStack } from '../util';

afterAll(removeProjects);

const EXAMPLE = HasuraProject.fromDirectory(path.join(__dirname, '..', '..', 'examples', 'hasura-project'));

interface Deployed {
  readonly stack: Stack;
  readonly deployment: HasuraProjectDeployment;
  readonly database: PlatformDatabase;
  readonly template: Template;
}

function deploy(overrides: Partial<HasuraProjectDeploymentProps> = {}, stack = testStack()): Deployed {
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
  const cluster = new ecs.Cluster(stack, 'Cluster', { vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });
  const database = new PlatformDatabase(stack, 'Database', { vpc, databaseName: 'app' });
  const adminSecret = new secretsmanager.Secret(stack, 'AdminSecret');
  const deployment = new HasuraProjectDeployment(stack, 'Project', { project: EXAMPLE, cluster, database, adminSecret, ...overrides });
  return { stack, deployment, database, template: Template.fromStack(stack) };
}

function customResource(template: Template): { [key: string]: any } {
  return onlyResource(template, 'Custom::HasuraProjectDeployment');
}

describe('the project image', () => {
  test('is built from a staged context: the cli-migrations image, the RDS authorities, metadata and migrations, no seeds or config', () => {
    const { stack, deployment } = deploy();
    const context = path.join(Stage.of(stack)!.assetOutdir, `hasura-engine-${deployment.projectHash.slice(0, 32)}`);
    expect(fs.readFileSync(path.join(context, 'Dockerfile'), 'utf8').split('\n').filter((line) => !line.startsWith('#'))).toEqual([
      'FROM hasura/graphql-engine:v2.51.3.cli-migrations-v3',
      'ADD https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem /etc/ssl/certs/rds-global-bundle.pem',
      'RUN chmod 0644 /etc/ssl/certs/rds-global-bundle.pem',
      'COPY metadata /hasura-metadata',
      'COPY migrations /hasura-migrations',
      '',
    ]);
    expect(fs.readdirSync(context).sort()).toEqual(['Dockerfile', 'metadata', 'migrations']);
    expect(fs.existsSync(path.join(context, 'migrations/default/1700000000001_create_posts/up.sql'))).toBe(true);
  });

  test.each([
    ['default', undefined, 'linux/amd64', 'X86_64'],
    ['ARM64', ecs.CpuArchitecture.ARM64, 'linux/arm64', 'ARM64'],
  ])('follows the CPU architecture (%s): image platform %s, task %s', (_name, cpuArchitecture, platform, taskArchitecture) => {
    const { stack, template } = deploy({ cpuArchitecture });
    const assembly = (stack.node.root as App).synth();
    const assets = JSON.parse(fs.readFileSync(path.join(assembly.directory, `${stack.artifactId}.assets.json`), 'utf8'));
    const images = Object.values(assets.dockerImages) as any[];
    expect(images.map((image) => image.source.platform)).toEqual([platform]);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      RuntimePlatform: { CpuArchitecture: taskArchitecture, OperatingSystemFamily: 'LINUX' },
      ContainerDefinitions: [Match.objectLike({ Name: 'hasura-project' })],
    });
  });

  test('the same project content stages to the same directory, a changed migration to another', () => {
    const first = deploy({ project: HasuraProject.fromDirectory(writeProject()) }).deployment.projectHash;
    const again = deploy({ project: HasuraProject.fromDirectory(writeProject()) }).deployment.projectHash;
    const changed = deploy({
      project: HasuraProject.fromDirectory(writeProject({ 'migrations/default/1700000000000_init/up.sql': 'CREATE TABLE public.notes (id bigint PRIMARY KEY);' })),
    }).deployment.projectHash;
    expect(again).toEqual(first);
    expect(changed).not.toEqual(first);
  });
});

describe('the one-off task', () => {
  test('hands over from the start script to the image entry point, then checks the metadata on localhost', () => {
    const container = containerNamed(deploy().template, 'hasura-project');
    expect(container.EntryPoint.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(container.EntryPoint[2]).toMatch(/exec "\$0" "\$@"$/);
    expect(container.Command.slice(0, 4)).toEqual(['/bin/sh', '/bin/docker-entrypoint.sh', '/bin/sh', '-c']);
    expect(container.Command[4]).toContain(`port=\${HASURA_METADATA_CHECK_PORT:-${METADATA_CHECK_PORT}}`);
    expect(container.Command[4]).toContain('serve --server-host 127.0.0.1 --server-port "$port" --enabled-apis graphql,metadata &');
    expect(container.Command[4]).toContain('"http://127.0.0.1:$port/healthz?strict=true"');
    expect(container.Command[4]).toContain('if [ "$reload" = 200 ] && [ "$code" = 200 ] && [ "$body" = OK ]; then');
    expect(container.PortMappings ?? []).toEqual([]);
  });

  test('every server in it listens on 127.0.0.1 only; credentials come from Secrets Manager', () => {
    const container = containerNamed(deploy().template, 'hasura-project');
    expect(environmentOf(container)).toEqual(expect.objectContaining({
      HASURA_GRAPHQL_SERVER_HOST: '127.0.0.1',
      HASURA_GRAPHQL_ENABLED_APIS: 'graphql',
      HASURA_GRAPHQL_ENABLE_CONSOLE: 'false',
      HASURA_GRAPHQL_DEV_MODE: 'false',
      HASURA_GRAPHQL_ENABLE_TELEMETRY: 'false',
      PLATFORM_DB_SSLMODE: 'verify-full',
      PLATFORM_DB_SSLROOTCERT: '/etc/ssl/certs/rds-global-bundle.pem',
      // Its short-lived servers deliver no events and no async actions: the serving tasks do.
      HASURA_GRAPHQL_EVENTS_FETCH_INTERVAL: '0',
      HASURA_GRAPHQL_ASYNC_ACTIONS_FETCH_INTERVAL: '0',
    }));
    expect(JSON.stringify(container.Environment)).not.toMatch(/PASSWORD|ADMIN_SECRET/);
    expect(secretNamesOf(container)).toEqual(['HASURA_GRAPHQL_ADMIN_SECRET', 'PLATFORM_DB_PASSWORD', 'PLATFORM_DB_USER']);
  });

  test('its security group accepts nothing; the database accepts it on 5432', () => {
    const { stack, deployment, template } = deploy();
    const taskGroup = stack.resolve(deployment.securityGroup.securityGroupId);
    const rules = ingressRules(template);
    expect(rules.filter((rule) => JSON.stringify(rule.groupId) === JSON.stringify(taskGroup))).toEqual([]);
    expect(rules).toContainEqual(expect.objectContaining({ fromPort: 5432, toPort: 5432, sourceGroupId: taskGroup }));
  });

  test('its log group is encrypted with the given key and retained, except when its creation rolls back', () => {
    const stack = testStack();
    const encryptionKey = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const { template } = deploy({ encryptionKey, logGroupName: '/hasura/project' }, stack);
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { LogGroupName: '/hasura/project', RetentionInDays: 30, KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } },
      DeletionPolicy: 'RetainExceptOnCreate',
      UpdateReplacePolicy: 'Retain',
    });
    const unnamed = deploy().template;
    unnamed.hasResource('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 30 }, DeletionPolicy: 'RetainExceptOnCreate' });
  });
});

describe('the custom resource', () => {
  test('runs the task definition revision in the private subnets, after the database exists', () => {
    const { stack, deployment, database, template } = deploy();
    const resource = customResource(template);
    expect(resource.Properties).toEqual(expect.objectContaining({
      TaskDefinition: stack.resolve(deployment.taskDefinition.taskDefinitionArn),
      SecurityGroups: [stack.resolve(deployment.securityGroup.securityGroupId)],
      ContainerName: 'hasura-project',
      LogStreamPrefix: 'apply',
      ProjectHash: deployment.projectHash,
    }));
    const privateSubnets = (stack.node.findChild('Vpc') as ec2.Vpc).privateSubnets.map((s) => stack.resolve(s.subnetId));
    expect(resource.Properties.Subnets).toEqual(privateSubnets);
    const databaseInstance = stack.getLogicalId(database.instance.node.defaultChild as any);
    expect(resource.DependsOn).toContain(databaseInstance);
  });

  test('polls every 15 s for at most the timeout', () => {
    const { template } = deploy({ timeout: Duration.minutes(20) });
    const machine = onlyResource(template, 'AWS::StepFunctions::StateMachine');
    const definition = JSON.stringify(machine.Properties.DefinitionString);
    expect(definition).toContain('\\"IntervalSeconds\\":15');
    expect(definition).toContain('\\"MaxAttempts\\":80');
  });

  test('the start handler may run only this task definition revision in this cluster and pass only its two roles', () => {
    const { stack, deployment, template } = deploy();
    const statements = template.findResources('AWS::IAM::Policy');
    const all = Object.values(statements).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    const runTask = all.filter((s: any) => JSON.stringify(s.Action).includes('ecs:RunTask'));
    expect(runTask).toHaveLength(1);
    expect(runTask[0].Resource).toEqual(stack.resolve(deployment.taskDefinition.taskDefinitionArn));
    expect(runTask[0].Condition).toEqual({ ArnEquals: { 'ecs:cluster': stack.resolve((stack.node.findChild('Cluster') as ecs.Cluster).clusterArn) } });
    const passRole = all.filter((s: any) => JSON.stringify(s.Action).includes('iam:PassRole'));
    expect(passRole).toHaveLength(1);
    expect(passRole[0].Resource).toEqual([
      stack.resolve(deployment.taskDefinition.taskRole.roleArn),
      stack.resolve(deployment.taskDefinition.obtainExecutionRole().roleArn),
    ]);
    const describe = all.filter((s: any) => JSON.stringify(s.Action).includes('ecs:DescribeTasks'));
    expect(describe).toHaveLength(1);
    expect(describe[0].Condition).toEqual(runTask[0].Condition);
  });

  test('Lambda handlers run on Node.js 24', () => {
    const { template } = deploy();
    const handlers = Object.values(template.findResources('AWS::Lambda::Function'))
      .filter((f: any) => /Hasura project/.test(f.Properties.Description ?? ''));
    expect(handlers.map((f: any) => f.Properties.Runtime)).toEqual(['nodejs24.x', 'nodejs24.x']);
  });
});

describe('props are checked', () => {
  test('a project that does not exist names `project`', () => {
    expect(() => deploy({ project: HasuraProject.fromDirectory('/nonexistent/hasura') }))
      .toThrow(/^Invalid project: "\/nonexistent\/hasura"\. The directory does not exist/);
  });
  test('a timeout beyond what CloudFormation waits for a custom resource', () => {
    expect(() => deploy({ timeout: Duration.minutes(56) }))
      .toThrow(/^Invalid timeout: "56 minutes"\. Use from 1 minute to 55 minutes: CloudFormation waits at most an hour/);
    expect(() => deploy({ timeout: Duration.minutes(55) })).not.toThrow();
  });
  test('a base image that is not a cli-migrations-v3 image', () => {
    expect(() => deploy({ baseImage: 'hasura/graphql-engine:v2.51.3' }))
      .toThrow(/^Invalid baseImage: "hasura\/graphql-engine:v2\.51\.3"\. Use a Hasura `cli-migrations-v3` image/);
  });
  test('a database reading its URL from a variable the task does not get', () => {
    const project = HasuraProject.fromDirectory(writeProject({
      'metadata/databases/databases.yaml': '- name: default\n  kind: postgres\n  configuration:\n    connection_info:\n      database_url:\n        from_env: OTHER_URL\n',
    }));
    expect(() => deploy({ project })).toThrow(/^Invalid project: ".*databases\.yaml"\. The database "default" reads its URL from OTHER_URL/);
    expect(() => deploy({ project, secrets: { OTHER_URL: ecs.Secret.fromSecretsManager(secretsmanager.Secret.fromSecretNameV2(testStack(), 'S', 'x')) } }))
      .not.toThrow();
  });
});

describe('compliance', () => {
  test('the three cdk-nag packs find nothing unacknowledged', () => {
    const keyStack = testStack();
    const { stack } = deploy({ encryptionKey: new kms.Key(keyStack, 'Key', { enableKeyRotation: true }) }, keyStack);
    const app = stack.node.root as any;
    const findings = [new AwsSolutionsChecks(app), new NIST80053R5Checks(app), new HIPAASecurityChecks(app)]
      .flatMap((pack) => pack.validateScope(app).violations)
      .filter((v) => v.violatingResources.some((r) => (r.constructPath ?? '').includes('/Project/')))
      .map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).filter((p) => (p ?? '').includes('/Project/')).join(', ')}`);
    expect(findings).toEqual([]);
  });
});
