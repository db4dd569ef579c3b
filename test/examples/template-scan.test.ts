// Scans every example template, and the default platform, for the ways secrets and admin surfaces leak.
import { Template } from 'aws-cdk-lib/assertions';
import { examplePlatformTemplates, exampleTemplate, synthesizedExample } from './helpers';
import { exampleNames } from '../../examples/synth-all';
import { CONSOLE_PORT, PUBLIC_HASURA_PATHS } from '../../src/edge/load-balancer-checks';
import { SECRET_LIKE_NAME } from '../../src/services/container-service';
import { ingressRules, synthPlatform } from '../util';

/** Names the issue names as secret-like, plus what the platform refuses anyway. */
const SECRET_LIKE = /SECRET|PASSWORD|TOKEN|JWT|DATABASE_URL/i;
/** scheme://user:password@host */
const URL_WITH_PASSWORD = /[a-z][a-z0-9+.-]*:\/\/[^/\s:@"]+:[^@\s"/]+@/i;

type Labelled = Array<[string, { [key: string]: any }]>;

/** Every stack that holds a platform: each example's, a pipeline's stages', and the default platform's. */
const platformTemplates: Labelled = [...examplePlatformTemplates(), ['default platform', synthPlatform().template.toJSON()]];
/** The examples' own stacks that hold no platform, such as a pipeline's. */
const otherTemplates: Labelled = exampleNames()
  .filter((name) => synthesizedExample(name).platformTemplates[name] === undefined)
  .map((name) => [name, exampleTemplate(name)]);

function resourcesOf(template: { [key: string]: any }, type: string): any[] {
  return Object.values(template.Resources).filter((r: any) => r.Type === type);
}

test('the scanner patterns match what they must', () => {
  expect(URL_WITH_PASSWORD.test('postgres://hasura:s3cret@db.example.com:5432/hasura')).toBe(true);
  expect(URL_WITH_PASSWORD.test('https://blog.example.com/v1/graphql')).toBe(false);
  for (const name of ['HASURA_GRAPHQL_ADMIN_SECRET', 'DB_PASSWORD', 'GITHUB_TOKEN', 'JWT_KEY', 'HASURA_GRAPHQL_DATABASE_URL']) {
    expect(SECRET_LIKE.test(name)).toBe(true);
    expect(SECRET_LIKE_NAME.test(name)).toBe(true);
  }
});

describe.each([...platformTemplates, ...otherTemplates])('%s', (_name, template) => {
  test('no secret-like name in any plain container environment', () => {
    for (const taskDefinition of resourcesOf(template, 'AWS::ECS::TaskDefinition')) {
      for (const container of taskDefinition.Properties.ContainerDefinitions) {
        const names = (container.Environment ?? []).map((e: any) => e.Name);
        expect(names.filter((n: string) => SECRET_LIKE.test(n))).toEqual([]);
        // ...and the secret-like ones are ECS secrets from Secrets Manager.
        for (const secret of container.Secrets ?? []) {
          expect(JSON.stringify(secret.ValueFrom)).toMatch(/secretsmanager|Ref|Fn::Join/);
        }
      }
    }
  });

  test('no URL with an embedded password anywhere in the template', () => {
    expect(JSON.stringify(template)).not.toMatch(URL_WITH_PASSWORD);
  });

  test('no secret value in the template: every secret is generated at deploy time or referenced', () => {
    for (const secret of resourcesOf(template, 'AWS::SecretsManager::Secret')) {
      expect(secret.Properties.SecretString).toBeUndefined();
      expect(secret.Properties.GenerateSecretString).toBeDefined();
    }
    for (const database of resourcesOf(template, 'AWS::RDS::DBInstance')) {
      expect(JSON.stringify(database.Properties.MasterUserPassword)).toContain('{{resolve:secretsmanager:');
    }
  });

  test('the console port is never open to 0.0.0.0/0', () => {
    const rules = ingressRules(Template.fromJSON(template));
    expect(rules.filter((r) => r.fromPort === CONSOLE_PORT && (r.cidr === '0.0.0.0/0' || r.cidr === '::/0'))).toEqual([]);
  });

});

describe.each(platformTemplates)('%s', (_name, template) => {
  test('no Hasura admin API is reachable through the public listeners', () => {
    const listeners = Object.entries(template.Resources).filter(([, r]: [string, any]) => r.Type === 'AWS::ElasticLoadBalancingV2::Listener');
    const publicListeners = listeners.filter(([, r]: [string, any]) => r.Properties.Port !== CONSOLE_PORT).map(([id]) => id);
    const hasuraGroups = Object.entries(template.Resources)
      .filter(([, r]: [string, any]) => r.Type === 'AWS::ElasticLoadBalancingV2::TargetGroup' && r.Properties.HealthCheckPath === '/healthz')
      .map(([id]) => id);
    expect(hasuraGroups).toHaveLength(1);
    // Public listeners never send all traffic to Hasura...
    for (const [id, listener] of listeners as Array<[string, any]>) {
      if (publicListeners.includes(id)) {
        expect(JSON.stringify(listener.Properties.DefaultActions)).not.toContain(hasuraGroups[0]);
      }
    }
    // ...and their rules to Hasura match only the GraphQL API and /healthz.
    for (const rule of resourcesOf(template, 'AWS::ElasticLoadBalancingV2::ListenerRule')) {
      if (publicListeners.includes(rule.Properties.ListenerArn.Ref) && JSON.stringify(rule.Properties.Actions).includes(hasuraGroups[0])) {
        const paths = rule.Properties.Conditions.flatMap((c: any) => c.PathPatternConfig?.Values ?? c.Values);
        expect(paths).toEqual(PUBLIC_HASURA_PATHS);
      }
    }
  });
});
