// A Hasura application inside the platform: its project applied before the service rolls out, the
// admin secret and signing key kept from Next.js, the console only over TLS, and ECS Exec as the
// operator path that opens nothing to the internet.
import * as fs from 'fs';
import * as path from 'path';
import { Stage } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { HasuraProject } from '../../src';
import { exampleTemplate } from '../examples/helpers';
import { containerNamed, environmentOf, NEXTJS_IMAGE, onlyResource, secretNamesOf, synthPlatform } from '../util';

const BLOG_PROJECT = HasuraProject.fromDirectory(path.join(__dirname, '..', '..', 'examples', 'hasura-project'));

function servingEnvironment(template: { [key: string]: any }): { [name: string]: unknown } {
  const [hasuraService] = Object.values<any>(template.Resources)
    .filter((r) => r.Type === 'AWS::ECS::Service' && JSON.stringify(r.Properties.LoadBalancers ?? []).includes('"hasura"'));
  const taskDefinition = template.Resources[hasuraService.Properties.TaskDefinition.Ref];
  return environmentOf(taskDefinition.Properties.ContainerDefinitions[0]);
}

describe.each(['hasura-blog-dev', 'hasura-blog-https'])('example %s ships the blog\'s Hasura project', (name) => {
  const template = exampleTemplate(name);
  const resources = Object.entries<any>(template.Resources);
  const [deploymentId] = resources.find(([, r]) => r.Type === 'Custom::HasuraProjectDeployment')!;
  const [, deployment] = resources.find(([, r]) => r.Type === 'Custom::HasuraProjectDeployment')!;

  test('the Hasura service rolls out only after the project applied', () => {
    const [, hasuraService] = resources.find(([, r]) => r.Type === 'AWS::ECS::Service'
      && JSON.stringify(r.Properties.LoadBalancers).includes('"hasura"'))!;
    expect(hasuraService.DependsOn).toContain(deploymentId);
  });

  test('the one-off task runs an image asset built from the project, on the cli-migrations image', () => {
    const taskDefinitionArn = JSON.stringify(deployment.Properties.TaskDefinitionArn ?? deployment.Properties);
    const [, taskDefinition] = resources.find(([id, r]) => r.Type === 'AWS::ECS::TaskDefinition' && taskDefinitionArn.includes(id))!;
    const image = JSON.stringify(taskDefinition.Properties.ContainerDefinitions[0].Image);
    expect(image).toContain('cdk-hnb659fds-container-assets');
  });

  test('the serving tasks enable the metadata API only with the console', () => {
    const apis = String(servingEnvironment(template).HASURA_GRAPHQL_ENABLED_APIS);
    expect(apis).toBe(name === 'hasura-blog-https' ? 'graphql,metadata,config' : 'graphql');
  });
});

describe('least privilege for Next.js', () => {
  test('hasura-blog-dev gives Next.js neither the admin secret nor the JWT signing key', () => {
    const template = exampleTemplate('hasura-blog-dev');
    const nextjs = Object.values<any>(template.Resources).filter((r) => r.Type === 'AWS::ECS::TaskDefinition')
      .flatMap((r) => r.Properties.ContainerDefinitions).find((c: any) => c.Name === 'nextjs');
    expect(secretNamesOf(nextjs)).toEqual(['HASURA_WEBHOOK_SECRET', 'NEXTAUTH_SECRET']);
  });

  test('hasura-blog-prod asks for both by name, as the documented topology has them', () => {
    const template = exampleTemplate('hasura-blog-prod');
    const nextjs = Object.values<any>(template.Resources).filter((r) => r.Type === 'AWS::ECS::TaskDefinition')
      .flatMap((r) => r.Properties.ContainerDefinitions).find((c: any) => c.Name === 'nextjs');
    expect(secretNamesOf(nextjs)).toEqual(['HASURA_GRAPHQL_ADMIN_SECRET', 'HASURA_WEBHOOK_SECRET', 'JWT_SECRET', 'NEXTAUTH_SECRET']);
  });
});

describe('the console only over TLS', () => {
  test('a console without a domain fails, naming hasura.console', () => {
    expect(() => synthPlatform({ hasura: { console: { allowedCidrs: ['198.51.100.0/24'] } } })).toThrow(
      /^Invalid hasura\.console: \["198\.51\.100\.0\/24"\]\. Without a domain there is no certificate.*set hasura\.console\.insecureAllowPlainHttp to true\./);
  });

  test('plain HTTP when asked for by name', () => {
    const { template } = synthPlatform({ hasura: { console: { allowedCidrs: ['198.51.100.0/24'], insecureAllowPlainHttp: true } } });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 8080, Protocol: 'HTTP' });
  });

  test('a signing key asked for where the JWT config has none fails', () => {
    const { platform } = synthPlatform();
    expect(() => synthPlatform({
      hasura: { jwt: { secret: platform.hasura.adminSecret } },
      nextjs: { image: NEXTJS_IMAGE, exposeJwtSigningKey: true },
    })).toThrow(/^Invalid nextjs\.exposeJwtSigningKey: true\. hasura\.jwt names no signingKeyField/);
  });
});

describe('ECS Exec, the operator path', () => {
  const { stack, platform, template } = synthPlatform({ platformName: 'blog', hasura: { enableExecuteCommand: true } });

  test('Hasura tasks accept ECS Exec; Next.js tasks do not', () => {
    const services = Object.values(template.findResources('AWS::ECS::Service'));
    expect(services.map((s) => s.Properties.EnableExecuteCommand ?? false).sort()).toEqual([false, true]);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['ssmmessages:OpenDataChannel']) })]) },
    });
  });

  test('sessions are encrypted with the platform key and logged to an encrypted, retry-safe group', () => {
    const keyArn = stack.resolve(platform.encryptionKey.keyArn);
    template.hasResourceProperties('AWS::ECS::Cluster', {
      Configuration: {
        ExecuteCommandConfiguration: {
          KmsKeyId: keyArn,
          Logging: 'OVERRIDE',
          LogConfiguration: Match.objectLike({ CloudWatchEncryptionEnabled: true }),
        },
      },
    });
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { LogGroupName: '/ecs/blog/exec', KmsKeyId: keyArn },
      DeletionPolicy: 'RetainExceptOnCreate',
    });
  });

  test('without it, no cluster exec configuration and no exec log group', () => {
    const { template: plain } = synthPlatform({ platformName: 'blog' });
    expect(JSON.stringify(plain.findResources('AWS::ECS::Cluster'))).not.toContain('ExecuteCommandConfiguration');
    expect(JSON.stringify(plain.findResources('AWS::Logs::LogGroup'))).not.toContain('/ecs/blog/exec');
  });
});

describe('the project is held to the connection budget', () => {
  test('a databases.yaml pool above the per-task pool fails, naming hasura.project', () => {
    // The blog project asks for 8 connections per task; 4 tasks on a db.t3.micro leave each 4.
    expect(() => synthPlatform({ hasura: { project: BLOG_PROJECT, desiredCount: 4 } })).toThrow(
      /^Invalid hasura\.project: ".*databases\.yaml"\. The database "default" sets pool_settings\.max_connections to 8, but each Hasura task may open at most 4/);
  });

  test('it fits one task on a db.t3.micro (19 per pool), and the serving tasks get that pool size', () => {
    const { template } = synthPlatform({ hasura: { project: BLOG_PROJECT, desiredCount: 1 } });
    expect(environmentOf(containerNamed(template, 'hasura')).HASURA_GRAPHQL_PG_CONNECTIONS).toBe('19');
    template.resourceCountIs('Custom::HasuraProjectDeployment', 1);
    // The apply task is bounded like a serving task, so it fits the deploy's headroom in the budget.
    expect(environmentOf(containerNamed(template, 'hasura-project')).HASURA_GRAPHQL_PG_CONNECTIONS).toBe('19');
  });
});

describe('one engine serves and applies the project', () => {
  const { stack, platform, template } = synthPlatform({
    hasura: { project: BLOG_PROJECT, desiredCount: 1, engineVersion: 'v2.40.0', environment: { ACTION_BASE_URL: 'http://actions.internal' } },
  });
  const resources = template.toJSON().Resources;
  const deployment = onlyResource(template, 'Custom::HasuraProjectDeployment');

  test('the serving tasks and the task that applies the project run the same image, built at the version asked for', () => {
    const serving = containerNamed(template, 'hasura').Image;
    expect(containerNamed(template, 'hasura-project').Image).toEqual(serving);
    expect(JSON.stringify(serving)).toContain('cdk-hnb659fds-container-assets-');
    expect(deployment.Properties.EngineVersion).toBe('hasura/graphql-engine:v2.40.0.cli-migrations-v3');
    expect(platform.hasura.engineVersion).toBe('v2.40.0');
    const outdir = Stage.of(stack)!.assetOutdir;
    const dockerfiles = fs.readdirSync(outdir).filter((name) => name.startsWith('hasura-engine-'))
      .map((name) => fs.readFileSync(path.join(outdir, name, 'Dockerfile'), 'utf8'));
    expect(dockerfiles.some((file) => file.includes('FROM hasura/graphql-engine:v2.40.0.cli-migrations-v3\n'))).toBe(true);
  });

  test('the task that applies the project gets hasura.environment, which metadata templates read', () => {
    expect(environmentOf(containerNamed(template, 'hasura-project')).ACTION_BASE_URL).toBe('http://actions.internal');
    expect(environmentOf(containerNamed(template, 'hasura')).ACTION_BASE_URL).toBe('http://actions.internal');
  });

  test('it waits for the private subnets\' NAT routes, and fits CloudFormation\'s hour for a custom resource', () => {
    const natRoutes = Object.entries<any>(resources)
      .filter(([, r]) => r.Type === 'AWS::EC2::Route' && r.Properties.NatGatewayId !== undefined).map(([id]) => id);
    expect(natRoutes).toHaveLength(2);
    expect(deployment.DependsOn).toEqual(expect.arrayContaining(natRoutes));
    expect(Number(deployment.Properties.ServiceTimeout)).toBe(3600);
  });

  test('its start handler may read this stack\'s status, to recognize an update rollback', () => {
    const statements = Object.values<any>(resources).filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements).toContainEqual(expect.objectContaining({ Action: 'cloudformation:DescribeStacks', Resource: { Ref: 'AWS::StackId' } }));
  });
});

describe('the engine is chosen once', () => {
  const OWN_IMAGE = ecs.ContainerImage.fromRegistry('registry.example.com/hasura/graphql-engine:v2.51.3');

  test.each([
    ['a version Hasura does not publish', { engineVersion: '2.51' }, /^Invalid hasura\.engineVersion: "2\.51"\. Use a Hasura v2 release tag/],
    ['an image of one\'s own and a version', { image: OWN_IMAGE, engineVersion: 'v2.51.3' },
      /^Invalid hasura\.image: "an image of your own"\. It replaces the engine image that hasura\.engineVersion \("v2\.51\.3"\) builds/],
    ['an image of one\'s own with a project', { image: OWN_IMAGE, project: BLOG_PROJECT, desiredCount: 1 },
      /^Invalid hasura\.image: "an image of your own"\. With hasura\.project, the platform builds one engine image .* hasura\.engineVersion/],
  ])('%s is refused, naming the props', (_name, hasura, message) => {
    expect(() => synthPlatform({ hasura: hasura as any })).toThrow(message);
  });
});
