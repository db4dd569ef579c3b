// Every example app synthesizes, also with the CDK CLI offline (its lookups answered by committed
// context), matches its committed snapshot (asset hashes scrubbed) and keeps secrets out of the template.
import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as rds from 'aws-cdk-lib/aws-rds';
import { exampleApp } from '../../examples/example-app';
import { exampleNames } from '../../examples/synth-all';
import { backupCopiesLand } from '../contracts/contracts';
import { containerNamed, dockerImagesOf, onlyResource, sharedOutdir } from '../util';
import { exampleRecoveryTemplates, exampleTemplate, scrubHashes, synthesizedExample } from './helpers';

const names = exampleNames();

test('there are examples to check', () => {
  expect(names).toEqual(expect.arrayContaining(['hasura-blog-dev', 'hasura-blog-prod']));
});

describe.each(names)('example %s', (name) => {
  const template = exampleTemplate(name);

  test('matches its snapshot', () => {
    expect(scrubHashes(template)).toMatchSnapshot();
  });

  test('synthesizes offline with the CLI: its cdk.context.json answers every context lookup', () => {
    const contextFile = path.join(__dirname, '..', '..', 'examples', name, 'cdk.context.json');
    const committed = fs.existsSync(contextFile) ? Object.keys(JSON.parse(fs.readFileSync(contextFile, 'utf8'))) : [];
    expect(synthesizedExample(name).missingContext.filter((key) => !committed.includes(key))).toEqual([]);
  });
});

test.each(exampleRecoveryTemplates())('%s (a recovery region) matches its snapshot', (_label, template) => {
  expect(scrubHashes(template)).toMatchSnapshot();
});

describe('hasura-blog-dev: the low-cost variant', () => {
  const template = Template.fromJSON(exampleTemplate('hasura-blog-dev'));

  test('one NAT gateway serves both private subnets', () => {
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    const routes = Object.values(template.findResources('AWS::EC2::Route'))
      .filter((r) => r.Properties.NatGatewayId !== undefined);
    expect(routes).toHaveLength(2);
    expect(new Set(routes.map((r) => JSON.stringify(r.Properties.NatGatewayId))).size).toBe(1);
  });

  test('one task of the smallest size per service', () => {
    const services = Object.values(template.findResources('AWS::ECS::Service'));
    expect(services).toHaveLength(2);
    const taskDefinitions = template.toJSON().Resources;
    for (const service of services) {
      expect(service.Properties.DesiredCount).toBe(1);
      const taskDefinition = taskDefinitions[service.Properties.TaskDefinition.Ref];
      expect([taskDefinition.Properties.Cpu, taskDefinition.Properties.Memory]).toEqual(['256', '512']);
    }
  });

  test('a single-AZ database that can be torn down but still leaves a snapshot', () => {
    const database = onlyResource(template, 'AWS::RDS::DBInstance');
    expect(database.Properties.MultiAZ).toBe(false);
    expect(onlyResource(template, 'Custom::DeletionProtection').Properties.ProtectDatabase).toBe('false');
    expect(database.DeletionPolicy).toBe('Snapshot');
  });

  test('the load balancer can be deleted', () => {
    expect(onlyResource(template, 'Custom::DeletionProtection').Properties.ProtectLoadBalancer).toBe('false');
  });

  test('Hasura still runs with the console off', () => {
    const environment = containerNamed(template, 'hasura').Environment;
    expect(environment).toContainEqual({ Name: 'HASURA_GRAPHQL_ENABLE_CONSOLE', Value: 'false' });
  });
});

describe('hasura-blog-lean: highly available at the lowest cost', () => {
  const template = Template.fromJSON(exampleTemplate('hasura-blog-lean'));
  const resources = Object.values<any>(template.toJSON().Resources);

  test('the database has a standby in a second zone', () => {
    expect(onlyResource(template, 'AWS::RDS::DBInstance').Properties.MultiAZ).toBe(true);
  });

  test('every service runs at least two tasks, over subnets in two zones', () => {
    const services = resources.filter((r) => r.Type === 'AWS::ECS::Service');
    expect(services).toHaveLength(2);
    for (const service of services) {
      expect(service.Properties.DesiredCount).toBeGreaterThanOrEqual(2);
      expect(service.Properties.NetworkConfiguration.AwsvpcConfiguration.Subnets).toHaveLength(2);
    }
  });

  test('each zone has egress of its own: one NAT instance per zone, no NAT gateway', () => {
    expect(resources.filter((r) => r.Type === 'AWS::EC2::NatGateway')).toHaveLength(0);
    const instances = resources.filter((r) => r.Type === 'AWS::EC2::Instance');
    expect(new Set(instances.map((i) => JSON.stringify(i.Properties.NetworkInterfaces[0].SubnetId))).size).toBe(2);
  });

  test('it is modeled at no more than $140 a month at list prices', () => {
    expect(synthesizedExample('hasura-blog-lean').monthlyUsd).toBeLessThanOrEqual(140);
  });
});

describe('hasura-blog-https: disaster recovery in us-west-2', () => {
  const example = synthesizedExample('hasura-blog-https');
  const recovery = example.recoveryTemplates['hasura-blog-https HasuraBlogHttpsRecovery'];

  test('the recovery stack keeps a replica whose source is the database\'s ARN in us-east-1', () => {
    const replica = onlyResource(Template.fromJSON(recovery), 'AWS::RDS::DBInstance').Properties;
    expect(replica.SourceRegion).toBe('us-east-1');
    expect(replica.SourceDBInstanceIdentifier).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':rds:us-east-1:', { Ref: 'AWS::AccountId' }, ':db:hasura-blog']],
    });
    const database = onlyResource(Template.fromJSON(example.template), 'AWS::RDS::DBInstance').Properties;
    expect(database.DBInstanceIdentifier).toBe('hasura-blog');
  });

  test('it deploys after the platform (the replica needs its source), and every backup is still copied into its vault', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const stack: Stack = require('../../examples/hasura-blog-https/main').createStack(exampleApp(sharedOutdir(), false));
    const recoveryStack = stack.node.root.node.findChild('HasuraBlogHttpsRecovery') as Stack;
    expect(recoveryStack.region).toBe('us-west-2');
    expect(recoveryStack.dependencies).toContain(stack);
    expect(stack.dependencies).not.toContain(recoveryStack);
    expect(backupCopiesLand(example.template.Resources, recovery.Resources, 'us-west-2')).toEqual([]);
  });

  test('a failover deploys the same platform in us-west-2 from the promoted replica\'s snapshot, with images the recovery stack published', () => {
    const app = exampleApp(sharedOutdir(), false);
    app.node.setContext('failoverSnapshot', SNAPSHOT);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('../../examples/hasura-blog-https/main').createStack(app);
    const failover = app.node.findChild('HasuraBlogHttpsFailover') as Stack;
    const recoveryStack = app.node.findChild('HasuraBlogHttpsRecovery') as Stack;
    expect(failover.region).toBe('us-west-2');
    const database = failover.node.findAll().find((c): c is rds.CfnDBInstance => c instanceof rds.CfnDBInstance)!;
    expect(database.dbSnapshotIdentifier).toBe(SNAPSHOT);
    // The same content hashes: deploying the failover stack builds and pulls nothing.
    const published = Object.keys(dockerImagesOf(app, recoveryStack));
    const needed = Object.keys(dockerImagesOf(app, failover));
    expect(needed.length).toBe(2);
    expect(published).toEqual(expect.arrayContaining(needed));
    // The platform's own images are those same assets.
    expect(published).toEqual(expect.arrayContaining(Object.keys(dockerImagesOf(app, app.node.findChild('HasuraBlogHttps') as Stack))));
  });
});

const SNAPSHOT = 'arn:aws:rds:us-west-2:111122223333:snapshot:hasura-blog-failover';
