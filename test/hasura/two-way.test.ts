// Hasura and Next.js call each other inside the VPC: Next.js is a Service Connect server that admits
// Hasura's tasks, Hasura knows its internal URL and shares a webhook secret with it, and the options
// Hasura applications expect (event worker, auth webhook, allow-list, RESTified endpoints) are wired
// into both services, the load balancer and the connection budget.
import { Template } from 'aws-cdk-lib/assertions';
import { HasuraAuthHookMode, NextjsServer } from '../../src';
import { containerNamed, environmentOf, groupIdOf, ingressRules, NEXTJS_IMAGE, secretNamesOf, synthPlatform } from '../util';

/** The ECS service whose task definition has a container named `container`, and its logical id. */
function serviceRunning(template: Template, container: string): [string, { [key: string]: any }] {
  const taskDefinitions = template.findResources('AWS::ECS::TaskDefinition');
  const found = Object.entries(template.findResources('AWS::ECS::Service')).filter(([, service]) => {
    const taskDefinition = taskDefinitions[service.Properties.TaskDefinition.Ref];
    return taskDefinition.Properties.ContainerDefinitions.some((c: any) => c.Name === container);
  });
  if (found.length !== 1) {
    throw new Error(`Expected one service running ${container}, found ${found.length}`);
  }
  return found[0];
}

/** The container of a service by the service's logical id. */
function containerOf(template: Template, serviceId: string): { [key: string]: any } {
  const service = template.findResources('AWS::ECS::Service')[serviceId];
  return template.findResources('AWS::ECS::TaskDefinition')[service.Properties.TaskDefinition.Ref].Properties.ContainerDefinitions[0];
}

describe('by default', () => {
  const { stack, platform, template } = synthPlatform();
  const [nextjsServiceId, nextjsService] = serviceRunning(template, 'nextjs');
  const [hasuraServiceId] = serviceRunning(template, 'hasura');

  test('Next.js serves its port in the Service Connect namespace as "nextjs", and Hasura gets that URL', () => {
    expect(nextjsService.Properties.ServiceConnectConfiguration.Services).toEqual([{
      PortName: 'nextjs', DiscoveryName: 'nextjs', ClientAliases: [{ DnsName: 'nextjs', Port: 3000 }],
    }]);
    expect(platform.nextjs.internalUrl).toBe('http://nextjs:3000');
    expect(environmentOf(containerNamed(template, 'hasura')).NEXTJS_INTERNAL_URL).toBe(platform.nextjs.internalUrl);
    // Both meet in the same namespace.
    const hasuraNamespace = serviceRunning(template, 'hasura')[1].Properties.ServiceConnectConfiguration.Namespace;
    expect(nextjsService.Properties.ServiceConnectConfiguration.Namespace).toEqual(hasuraNamespace);
  });

  test('each service admits the other on its container port, and Next.js admits nothing else but the load balancer', () => {
    const hasuraGroup = groupIdOf(stack, platform.hasura.securityGroup);
    const nextjsGroup = groupIdOf(stack, platform.nextjs.securityGroup);
    const loadBalancerGroup = groupIdOf(stack, platform.ingress.securityGroup);
    const intoNextjs = ingressRules(template).filter((rule) => JSON.stringify(rule.groupId) === JSON.stringify(nextjsGroup));
    const sorted = (rules: unknown[][]) => rules.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    expect(sorted(intoNextjs.map((rule) => [rule.sourceGroupId, rule.fromPort, rule.toPort])))
      .toEqual(sorted([[hasuraGroup, 3000, 3000], [loadBalancerGroup, 3000, 3000]]));
    expect(ingressRules(template)).toContainEqual(expect.objectContaining({ groupId: hasuraGroup, sourceGroupId: nextjsGroup, fromPort: 8080 }));
  });

  test('one webhook secret, neither the admin secret nor the JWT config, is given to both services', () => {
    const webhookSecret = stack.resolve(platform.hasura.webhookSecret.secretArn);
    for (const name of ['hasura', 'nextjs']) {
      const entry = containerNamed(template, name).Secrets.find((s: any) => s.Name === 'HASURA_WEBHOOK_SECRET');
      expect(entry.ValueFrom).toEqual(webhookSecret);
    }
    expect(webhookSecret).not.toEqual(stack.resolve(platform.hasura.adminSecret.secretArn));
    expect(webhookSecret).not.toEqual(stack.resolve(platform.hasura.jwtSecret!.secretArn));
  });

  test('Hasura is redeployed once Next.js\'s endpoint exists, by a resource that may only update the Hasura service', () => {
    const [, refresh] = Object.entries(template.findResources('Custom::ServiceConnectRefresh'))[0];
    expect(refresh.DependsOn).toEqual(expect.arrayContaining([nextjsServiceId, hasuraServiceId]));
    const create = JSON.stringify(refresh.Properties.Create).replace(/\\/g, '');
    expect(create).toContain('"action":"updateService"');
    expect(create).toContain('"forceNewDeployment":true');
    expect(create).toContain(hasuraServiceId);
    // A changed endpoint (e.g. another port) is a changed property, hence another redeploy.
    expect(create).toContain('nextjs:3000');
    const policies = Object.entries(template.findResources('AWS::IAM::Policy'))
      .filter(([policyId]) => refresh.DependsOn.includes(policyId)).map(([, policy]) => policy);
    expect(policies).toHaveLength(1);
    expect(policies[0].Properties.PolicyDocument.Statement).toEqual([{
      Action: 'ecs:UpdateService', Effect: 'Allow', Resource: { Ref: hasuraServiceId },
    }]);
    // Next.js itself starts only after Hasura's endpoint exists.
    expect(nextjsService.DependsOn).toContain(hasuraServiceId);
  });

  test('the standalone server keeps idle connections open past the load balancer\'s idle timeout', () => {
    const nextjs = containerNamed(template, 'nextjs');
    expect(environmentOf(nextjs).KEEP_ALIVE_TIMEOUT).toBe(String((platform.ingress.idleTimeout.toSeconds() + 5) * 1000));
    expect(nextjs.Command).toBeUndefined();
  });

  test('serving tasks deliver events themselves; there is no event worker', () => {
    const environment = environmentOf(containerNamed(template, 'hasura'));
    expect(environment).not.toHaveProperty('HASURA_GRAPHQL_EVENTS_FETCH_INTERVAL');
    expect(platform.hasura.eventWorker).toBeUndefined();
    expect(platform.services.map((service) => service.serviceName)).toEqual(['hasura', 'nextjs']);
  });
});

describe('with an event worker, an auth webhook, the allow-list, RESTified endpoints and next start', () => {
  const { stack, platform, template } = synthPlatform({
    platformName: 'blog',
    hasura: {
      eventWorker: { desiredCount: 2, httpPoolSize: 20 },
      authHook: { path: '/api/hasura-auth', mode: HasuraAuthHookMode.POST },
      allowList: true,
      restifiedEndpoints: true,
    },
    nextjs: { image: NEXTJS_IMAGE, server: NextjsServer.NEXT_START, apiRoutes: ['/api/hasura-auth', '/api/events'] },
  });
  const worker = platform.hasura.eventWorker!;
  const workerServiceId = stack.resolve((worker.service.node.defaultChild as any).ref).Ref;
  const workerContainer = containerOf(template, workerServiceId);
  const serving = environmentOf(containerOf(template, stack.resolve((platform.hasura.service.node.defaultChild as any).ref).Ref));

  test('the worker runs the serving tasks\' image behind no load balancer, and only it fetches events', () => {
    const service = template.findResources('AWS::ECS::Service')[workerServiceId];
    expect(service.Properties.LoadBalancers).toBeUndefined();
    expect(service.Properties.DesiredCount).toBe(2);
    expect(workerContainer.Image).toEqual(containerOf(template, stack.resolve((platform.hasura.service.node.defaultChild as any).ref).Ref).Image);
    const environment = environmentOf(workerContainer);
    expect(environment.HASURA_GRAPHQL_EVENTS_HTTP_POOL_SIZE).toBe('20');
    expect(environment).not.toHaveProperty('HASURA_GRAPHQL_EVENTS_FETCH_INTERVAL');
    expect(serving.HASURA_GRAPHQL_EVENTS_FETCH_INTERVAL).toBe('0');
    expect(serving.HASURA_GRAPHQL_ASYNC_ACTIONS_FETCH_INTERVAL).toBe('0');
    expect(serving).not.toHaveProperty('HASURA_GRAPHQL_EVENTS_HTTP_POOL_SIZE');
    expect(environment.NEXTJS_INTERNAL_URL).toBe('http://nextjs:3000');
    expect(secretNamesOf(workerContainer)).toEqual(secretNamesOf(containerNamed(template, 'hasura')));
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/ecs/blog/hasura-events' });
  });

  test('the worker reaches the database and Next.js, starts after Next.js\'s endpoint exists, and admits nothing', () => {
    const workerGroup = groupIdOf(stack, worker.securityGroup);
    const rules = ingressRules(template);
    expect(rules.filter((rule) => JSON.stringify(rule.groupId) === JSON.stringify(workerGroup))).toEqual([]);
    const nextjsGroup = groupIdOf(stack, platform.nextjs.securityGroup);
    const databaseGroup = groupIdOf(stack, platform.database.securityGroup);
    expect(rules).toContainEqual(expect.objectContaining({ groupId: nextjsGroup, sourceGroupId: workerGroup, fromPort: 3000 }));
    expect(rules).toContainEqual(expect.objectContaining({ groupId: databaseGroup, sourceGroupId: workerGroup, fromPort: 5432 }));
    const nextjsServiceId = stack.resolve((platform.nextjs.service.node.defaultChild as any).ref).Ref;
    expect(template.findResources('AWS::ECS::Service')[workerServiceId].DependsOn).toContain(nextjsServiceId);
  });

  test('the connection budget counts the worker\'s tasks, twice over during a deploy', () => {
    expect(platform.connectionBudget.clients).toEqual([
      { name: 'hasura', peakTasks: 4, poolsPerTask: 2 },
      { name: 'hasura-events', peakTasks: 4, poolsPerTask: 2 },
    ]);
    // max_connections less 8 reserved, over 8 tasks x 2 pools.
    expect(platform.connectionBudget.poolSize).toBe(Math.floor((platform.database.maxConnections - 8) / 16));
    expect(environmentOf(workerContainer).HASURA_GRAPHQL_PG_CONNECTIONS).toBe(String(platform.connectionBudget.poolSize));
  });

  test('the worker is watched like every other service', () => {
    expect(platform.services.map((service) => service.serviceName)).toEqual(['hasura', 'hasura-events', 'nextjs']);
  });

  test('Hasura calls the auth webhook inside the VPC and verifies no JWTs', () => {
    expect(serving.HASURA_GRAPHQL_AUTH_HOOK).toBe('http://nextjs:3000/api/hasura-auth');
    expect(serving.HASURA_GRAPHQL_AUTH_HOOK_MODE).toBe('POST');
    expect(secretNamesOf(containerNamed(template, 'hasura'))).not.toContain('HASURA_GRAPHQL_JWT_SECRET');
    expect(platform.hasura.jwtSecret).toBeUndefined();
    const generated = Object.values(template.findResources('AWS::SecretsManager::Secret'));
    expect(generated.filter((secret) => secret.Properties.GenerateSecretString?.GenerateStringKey === 'key')).toEqual([]);
  });

  test('the allow-list is on, and /api/rest/* goes to Hasura', () => {
    expect(serving.HASURA_GRAPHQL_ENABLE_ALLOWLIST).toBe('true');
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/v1/graphql', '/v1beta1/relay', '/healthz', '/api/rest/*'] } }],
    });
  });

  test('next start gets its keep-alive timeout on its command line, which it reads, not in KEEP_ALIVE_TIMEOUT, which it ignores', () => {
    const nextjs = containerNamed(template, 'nextjs');
    const timeout = String((platform.ingress.idleTimeout.toSeconds() + 5) * 1000);
    expect(nextjs.Command).toEqual(['node_modules/.bin/next', 'start', '--hostname', '0.0.0.0', '--port', '3000', '--keepAliveTimeout', timeout]);
    expect(environmentOf(nextjs)).not.toHaveProperty('KEEP_ALIVE_TIMEOUT');
  });
});

describe('refused at synth time', () => {
  test('an auth webhook beside a JWT config, an unauthorized role or a signing key for Next.js', () => {
    const { platform } = synthPlatform();
    const authHook = { path: '/api/hasura-auth' };
    expect(() => synthPlatform({ hasura: { authHook, jwt: { secret: platform.hasura.adminSecret } } }))
      .toThrow(/^Invalid hasura\.jwt: "a JWT config"\. Hasura cannot verify JWTs and call an auth webhook at once/);
    expect(() => synthPlatform({ hasura: { authHook, unauthorizedRole: 'public' } }))
      .toThrow(/^Invalid hasura\.unauthorizedRole: "public"\. With hasura\.authHook, the webhook answers/);
    expect(() => synthPlatform({ hasura: { authHook }, nextjs: { image: NEXTJS_IMAGE, exposeJwtSigningKey: true } }))
      .toThrow(/^Invalid nextjs\.exposeJwtSigningKey: true\. With hasura\.authHook, Hasura verifies no JWTs/);
    expect(() => synthPlatform({ hasura: { authHook: { path: 'api/auth' } } }))
      .toThrow(/^Invalid hasura\.authHook\.path: "api\/auth"\. Use a path of the Next\.js app that starts with "\/"/);
  });

  test('RESTified endpoints that would take a route of the app or its health check', () => {
    expect(() => synthPlatform({ hasura: { restifiedEndpoints: true }, nextjs: { image: NEXTJS_IMAGE, apiRoutes: ['/api/rest/orders'] } }))
      .toThrow(/^Invalid nextjs\.apiRoutes: "\/api\/rest\/orders"\. hasura\.restifiedEndpoints routes \/api\/rest\/\* to Hasura/);
    expect(() => synthPlatform({ hasura: { restifiedEndpoints: true }, nextjs: { image: NEXTJS_IMAGE, apiRoutes: ['/api/rest'] } }))
      .toThrow(/^Invalid nextjs\.apiRoutes: "\/api\/rest"\./);
    expect(() => synthPlatform({ hasura: { restifiedEndpoints: true }, nextjs: { image: NEXTJS_IMAGE, healthCheckPath: '/api/rest/health' } }))
      .toThrow(/^Invalid nextjs\.healthCheckPath: "\/api\/rest\/health"\./);
    // A route beside them stays with Next.js.
    expect(() => synthPlatform({ hasura: { restifiedEndpoints: true }, nextjs: { image: NEXTJS_IMAGE, apiRoutes: ['/api/restaurants'] } })).not.toThrow();
  });

  test('an event worker the database cannot hold, or sized out of range', () => {
    expect(() => synthPlatform({ hasura: { eventWorker: { desiredCount: 30 } } }))
      .toThrow(/^Invalid hasura\.eventWorker\.desiredCount: 30\. .*max_connections 84/);
    expect(() => synthPlatform({ hasura: { eventWorker: { desiredCount: 0 } } })).toThrow(/^Invalid hasura\.eventWorker\.desiredCount: 0\./);
    expect(() => synthPlatform({ hasura: { eventWorker: { httpPoolSize: 0 } } })).toThrow(/^Invalid hasura\.eventWorker\.httpPoolSize: 0\./);
    expect(() => synthPlatform({ hasura: { eventWorker: { cpu: 256, memoryLimitMiB: 8192 } } })).toThrow(/^Invalid hasura\.eventWorker/);
  });

  test('variables the platform sets are not the user\'s to set', () => {
    for (const name of ['HASURA_GRAPHQL_ENABLE_ALLOWLIST', 'HASURA_GRAPHQL_AUTH_HOOK', 'NEXTJS_INTERNAL_URL', 'HASURA_GRAPHQL_EVENTS_FETCH_INTERVAL']) {
      expect(() => synthPlatform({ hasura: { environment: { [name]: 'x' } } }))
        .toThrow(new RegExp(`^Invalid hasura\\.environment: "${name}"\\. The platform sets this variable itself`));
    }
    expect(() => synthPlatform({ nextjs: { image: NEXTJS_IMAGE, environment: { KEEP_ALIVE_TIMEOUT: '1' } } }))
      .toThrow(/^Invalid nextjs\.environment: "KEEP_ALIVE_TIMEOUT"\./);
  });
});
