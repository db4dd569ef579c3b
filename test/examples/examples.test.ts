// Every example app synthesizes, also with the CDK CLI offline (its lookups answered by committed
// context), matches its committed snapshot (asset hashes scrubbed) and keeps secrets out of the template.
import * as fs from 'fs';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
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
    expect(database.Properties.DeletionProtection).toBe(false);
    expect(database.DeletionPolicy).toBe('Snapshot');
  });

  test('the load balancer can be deleted', () => {
    expect(onlyResource(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer').Properties.LoadBalancerAttributes)
      .toContainEqual({ Key: 'deletion_protection.enabled', Value: 'false' });
  });

  test('Hasura still runs with the console off', () => {
    const environment = containerNamed(template, 'hasura').Environment;
    expect(environment).toContainEqual({ Name: 'HASURA_GRAPHQL_ENABLE_CONSOLE', Value: 'false' });
  });
});
