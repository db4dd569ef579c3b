// Every example app synthesizes, also with the CDK CLI offline (its lookups answered by committed
// context), matches its committed snapshot (asset hashes scrubbed) and keeps secrets out of the template.
import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as backup from 'aws-cdk-lib/aws-backup';
import { exampleApp } from '../../examples/example-app';
import { exampleNames } from '../../examples/synth-all';
import { containerNamed, onlyResource } from '../util';
import { exampleTemplate, scrubHashes, synthesizedExample } from './helpers';

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

test('hasura-blog-https copies its backups into a vault its app holds in us-west-2, deployed before the platform', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const stack: Stack = require('../../examples/hasura-blog-https/main').createStack(exampleApp());
  const recovery = stack.node.root.node.findChild('HasuraBlogHttpsRecovery') as Stack;
  expect(recovery.region).toBe('us-west-2');
  expect(stack.dependencies).toContain(recovery);
  const vault = recovery.node.findAll().find((c): c is backup.BackupVault => c instanceof backup.BackupVault)!;
  expect((vault.node.defaultChild as backup.CfnBackupVault).backupVaultName).toBe('hasura-blog-dr');
  const rule = onlyResource(Template.fromJSON(exampleTemplate('hasura-blog-https')), 'AWS::Backup::BackupPlan').Properties.BackupPlan.BackupPlanRule[0];
  expect(JSON.stringify(rule.CopyActions[0].DestinationBackupVaultArn)).toContain(':backup:us-west-2:');
  expect(JSON.stringify(rule.CopyActions[0].DestinationBackupVaultArn)).toContain(':backup-vault:hasura-blog-dr');
});
