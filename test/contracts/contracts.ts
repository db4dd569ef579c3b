// The contracts AWS enforces between the services of a platform, checked on a synthesized template.
// Each check names what AWS requires; a broken contract is a deploy or an outage that no shape test sees.
import { parse } from 'yaml';

type Resources = { [logicalId: string]: any };

/** What a check found wrong, one line each; empty when the contract holds. */
export type Breaches = string[];

const refersTo = (value: unknown, logicalId: string) => JSON.stringify(value ?? null).includes(`"${logicalId}"`);
const ofType = (resources: Resources, type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** Whether `statement` allows `service` (a service principal) every action of `actions`. */
function allowsService(statement: any, service: string, actions: string[]): boolean {
  if (statement.Effect !== 'Allow') {
    return false;
  }
  const principals = asArray(statement.Principal?.Service);
  const granted = asArray<string>(statement.Action);
  return principals.includes(service) && actions.every((action) =>
    granted.some((g) => g === action || (g.endsWith('*') && action.startsWith(g.slice(0, -1)))));
}

/**
 * Each publisher to an SNS topic may publish to it and use its key. A topic policy replaces SNS's
 * default policy, so every publisher needs an Allow of its own (AWS Knowledge Center,
 * "cloudwatch-receive-sns-for-alarm-trigger"), and an encrypted topic needs the publisher allowed
 * kms:Decrypt and kms:GenerateDataKey* in the key policy (Amazon SNS Developer Guide, "Encryption at rest").
 */
export function publishersMayPublish(resources: Resources): Breaches {
  const breaches: Breaches = [];
  for (const [topicId, topic] of ofType(resources, 'AWS::SNS::Topic')) {
    const publishers = new Map<string, string>();
    for (const [id, alarm] of ofType(resources, 'AWS::CloudWatch::Alarm')) {
      if (refersTo([alarm.Properties.AlarmActions, alarm.Properties.OKActions], topicId)) {
        publishers.set('cloudwatch.amazonaws.com', id);
      }
    }
    for (const [id, budget] of ofType(resources, 'AWS::Budgets::Budget')) {
      if (refersTo(budget.Properties.NotificationsWithSubscribers, topicId)) {
        publishers.set('budgets.amazonaws.com', id);
      }
    }
    for (const [id, rule] of ofType(resources, 'AWS::Events::Rule')) {
      if (refersTo(rule.Properties.Targets, topicId)) {
        publishers.set('events.amazonaws.com', id);
      }
    }
    for (const [id, vault] of ofType(resources, 'AWS::Backup::BackupVault')) {
      if (refersTo(vault.Properties.Notifications, topicId)) {
        publishers.set('backup.amazonaws.com', id);
      }
    }
    const policies = ofType(resources, 'AWS::SNS::TopicPolicy').filter(([, p]) => refersTo(p.Properties.Topics, topicId));
    const topicStatements = policies.flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    const keyId = topic.Properties.KmsMasterKeyId?.['Fn::GetAtt']?.[0] ?? topic.Properties.KmsMasterKeyId?.Ref;
    const keyStatements = keyId && resources[keyId] ? resources[keyId].Properties.KeyPolicy.Statement : undefined;
    for (const [service, publisher] of publishers) {
      if (policies.length > 0 && !topicStatements.some((s: any) => allowsService(s, service, ['sns:Publish']))) {
        breaches.push(`${publisher} publishes to ${topicId}, whose topic policy does not allow ${service} sns:Publish`);
      }
      if (keyStatements && !keyStatements.some((s: any) => allowsService(s, service, ['kms:Decrypt', 'kms:GenerateDataKey']))) {
        breaches.push(`${publisher} publishes to ${topicId}, whose key ${keyId} does not let ${service} use it`);
      }
    }
  }
  return breaches;
}

/**
 * Every task can read exactly the secrets it is given: ECS fetches them with the task's execution role
 * when the task starts (Amazon ECS Developer Guide, "Required IAM permissions for Amazon ECS secrets"),
 * so the role needs secretsmanager:GetSecretValue on each, and no more secrets than those.
 */
export function tasksReadTheirSecrets(resources: Resources): Breaches {
  const breaches: Breaches = [];
  for (const [taskId, task] of ofType(resources, 'AWS::ECS::TaskDefinition')) {
    const given = new Set<string>();
    for (const container of task.Properties.ContainerDefinitions) {
      for (const secret of container.Secrets ?? []) {
        const secretId = JSON.stringify(secret.ValueFrom).match(/"(\w+)"/g)?.map((m) => m.slice(1, -1))
          .find((id) => resources[id]?.Type === 'AWS::SecretsManager::Secret' || resources[id]?.Type === 'AWS::SecretsManager::SecretTargetAttachment');
        if (secretId) {
          given.add(secretId);
        }
      }
    }
    const roleId = task.Properties.ExecutionRoleArn?.['Fn::GetAtt']?.[0];
    const statements = ofType(resources, 'AWS::IAM::Policy')
      .filter(([, p]) => asArray(p.Properties.Roles).some((role: any) => role.Ref === roleId))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement)
      .filter((s: any) => asArray<string>(s.Action).includes('secretsmanager:GetSecretValue'));
    const readable = new Set(statements.flatMap((s: any) => asArray(s.Resource))
      .map((r: any) => r.Ref ?? JSON.stringify(r)).filter((id: string) => resources[id] !== undefined));
    for (const secretId of given) {
      if (!readable.has(secretId)) {
        breaches.push(`${taskId} is given ${secretId}, which its execution role ${roleId} cannot read`);
      }
    }
    for (const secretId of readable) {
      if (!given.has(secretId)) {
        breaches.push(`${taskId}'s execution role ${roleId} can read ${secretId}, which no container is given`);
      }
    }
  }
  return breaches;
}

/**
 * The engine that applies a Hasura project is the engine that serves it: a newer engine upgrades the
 * metadata catalog, and an older one then refuses to start on it (hasura/graphql-engine#7768).
 */
export function oneEngine(resources: Resources): Breaches {
  const images = (name: string) => ofType(resources, 'AWS::ECS::TaskDefinition')
    .flatMap(([, t]) => t.Properties.ContainerDefinitions).filter((c: any) => c.Name === name).map((c: any) => JSON.stringify(c.Image));
  const applying = images('hasura-project');
  return applying.filter((image) => !images('hasura').includes(image))
    .map((image) => `the project is applied by ${image}, which no serving Hasura task runs`);
}

/**
 * Nothing pulls anonymously from Docker Hub: anonymous pulls are limited per source address, and every
 * task behind the same NAT gateways shares that limit, so scale-outs and deploys fail with
 * CannotPullContainerError (Docker Hub, "Usage and limits").
 */
export function nothingPullsAnonymouslyFromDockerHub(resources: Resources): Breaches {
  return ofType(resources, 'AWS::ECS::TaskDefinition').flatMap(([taskId, task]) => task.Properties.ContainerDefinitions
    .filter((c: any) => typeof c.Image === 'string' && isDockerHub(c.Image) && c.RepositoryCredentials === undefined)
    .map((c: any) => `${taskId}/${c.Name} pulls ${c.Image} from Docker Hub without credentials`));
}

function isDockerHub(image: string): boolean {
  const first = image.split('/')[0];
  const registry = image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : 'docker.io';
  return registry === 'docker.io' || registry === 'registry-1.docker.io' || registry === 'index.docker.io';
}

/**
 * Every fixed physical name carries the platform's name, so that two platforms in one account and
 * region never collide. Names aws-cdk-lib generates from the stack and construct path (ending in an
 * eight-digit hash) are unique already, and names derived from a name the user chose (an instance
 * identifier) are exempt.
 */
export function fixedNamesCarryPlatformName(resources: Resources, platformName: string, exempt: RegExp[] = []): Breaches {
  const nameProperties: { [type: string]: (properties: any) => unknown } = {
    'AWS::Logs::LogGroup': (p) => p.LogGroupName,
    'AWS::CloudWatch::Alarm': (p) => p.AlarmName,
    'AWS::CloudWatch::Dashboard': (p) => p.DashboardName,
    'AWS::Backup::BackupPlan': (p) => p.BackupPlan?.BackupPlanName,
    'AWS::Backup::BackupVault': (p) => p.BackupVaultName,
    'AWS::Budgets::Budget': (p) => p.Budget?.BudgetName,
    'AWS::WAFv2::WebACL': (p) => p.Name,
    'AWS::ServiceDiscovery::HttpNamespace': (p) => p.Name,
  };
  const breaches: Breaches = [];
  for (const [id, resource] of Object.entries(resources)) {
    const name = nameProperties[resource.Type]?.(resource.Properties);
    const generated = typeof name === 'string' && /^[A-Za-z0-9]+[A-F0-9]{8}$/.test(name);
    if (typeof name === 'string' && !generated && !name.includes(platformName) && !exempt.some((pattern) => pattern.test(name))) {
      breaches.push(`${id} (${resource.Type}) is named ${JSON.stringify(name)}, without the platform name ${platformName}`);
    }
  }
  return breaches;
}

/**
 * Custom resources fit CloudFormation's limits: it waits at most an hour for one (ServiceTimeout is
 * at most 3600 seconds), so the provider must give up before that, and a Lambda function runs at most
 * 15 minutes.
 */
export function customResourcesFitLimits(resources: Resources): Breaches {
  const breaches: Breaches = [];
  for (const [id, resource] of Object.entries(resources)) {
    if (resource.Type === 'AWS::CloudFormation::CustomResource' || String(resource.Type).startsWith('Custom::')) {
      const serviceTimeout = Number(resource.Properties.ServiceTimeout ?? 3600);
      if (serviceTimeout > 3600) {
        breaches.push(`${id} sets ServiceTimeout ${serviceTimeout}, above CloudFormation's 3600 seconds`);
      }
      const waiter = waiterOf(resource, resources);
      if (waiter !== undefined && waiter >= serviceTimeout) {
        breaches.push(`${id}'s provider waits up to ${waiter} s, not less than its ServiceTimeout of ${serviceTimeout} s`);
      }
    }
    if (resource.Type === 'AWS::Lambda::Function' && Number(resource.Properties.Timeout ?? 3) > 900) {
      breaches.push(`${id} has a timeout above Lambda's 900 seconds`);
    }
  }
  return breaches;
}

/** How long the waiter state machine of a custom resource's provider retries, in seconds, if it has one. */
function waiterOf(resource: any, resources: Resources): number | undefined {
  const providerFunction = resource.Properties.ServiceToken?.['Fn::GetAtt']?.[0];
  const prefix = providerFunction?.replace(/frameworkonEvent[0-9A-F]{8}$/, '');
  const machine = ofType(resources, 'AWS::StepFunctions::StateMachine').find(([machineId]) => prefix && machineId.startsWith(`${prefix}waiterstatemachine`));
  if (!machine) {
    return undefined;
  }
  const definition = JSON.stringify(machine[1].Properties.DefinitionString);
  const retry = /\\"IntervalSeconds\\":(\d+),\\"MaxAttempts\\":(\d+),\\"BackoffRate\\":1/.exec(definition);
  return retry ? Number(retry[1]) * Number(retry[2]) : undefined;
}

/**
 * What must exist first is named in DependsOn, not left to the order CloudFormation happens to choose:
 * tasks, the project task and the database role's handler start only once the private subnets route
 * through NAT (they pull images and secrets through it); a budget that notifies a topic only once the
 * topic policy lets AWS Budgets publish (AWS Budgets checks it when the notification is created); the
 * project applies, and the database role is reconciled, only once the database exists; the role is in
 * step before anything that logs in as it starts (the project task, the services of its clients).
 */
export function orderingIsExplicit(resources: Resources): Breaches {
  const breaches: Breaches = [];
  const natRoutes = ofType(resources, 'AWS::EC2::Route')
    .filter(([, r]) => r.Properties.NatGatewayId !== undefined || r.Properties.InstanceId !== undefined).map(([id]) => id);
  const dependsOn = (resource: any) => asArray<string>(resource.DependsOn);
  const roles = ofType(resources, 'Custom::HasuraDatabaseRole');
  for (const [id, resource] of [...ofType(resources, 'AWS::ECS::Service'), ...ofType(resources, 'Custom::HasuraProjectDeployment'), ...roles]) {
    const missing = natRoutes.filter((route) => !dependsOn(resource).includes(route));
    if (missing.length > 0) {
      breaches.push(`${id} does not wait for the NAT routes ${missing.join(', ')}`);
    }
  }
  for (const [id, resource] of [...ofType(resources, 'Custom::HasuraProjectDeployment'), ...roles]) {
    const database = ofType(resources, 'AWS::RDS::DBInstance').map(([dbId]) => dbId);
    if (!database.every((dbId) => dependsOn(resource).includes(dbId))) {
      breaches.push(`${id} does not wait for the database`);
    }
  }
  for (const [roleId, role] of roles) {
    for (const [id, resource] of [...ofType(resources, 'AWS::ECS::Service'), ...ofType(resources, 'Custom::HasuraProjectDeployment')]) {
      const taskDefinition = resource.Properties.TaskDefinition?.Ref;
      if (asArray<any>(role.Properties.Clients).some((client) => client.Ref === taskDefinition) && !dependsOn(resource).includes(roleId)) {
        breaches.push(`${id} logs in as the database role but does not wait for ${roleId}`);
      }
    }
  }
  for (const [id, budget] of ofType(resources, 'AWS::Budgets::Budget')) {
    for (const [policyId, policy] of ofType(resources, 'AWS::SNS::TopicPolicy')) {
      const topicIds = asArray<any>(policy.Properties.Topics).map((t) => t.Ref);
      if (topicIds.some((topicId) => refersTo(budget.Properties.NotificationsWithSubscribers, topicId)) && !dependsOn(budget).includes(policyId)) {
        breaches.push(`${id} notifies a topic but does not wait for its topic policy ${policyId}`);
      }
    }
  }
  return breaches;
}

/** The secrets a database's master user name and password are resolved from (a restored instance names only the password). */
function masterSecretsOf(resources: Resources): string[] {
  return ofType(resources, 'AWS::RDS::DBInstance').flatMap(([, db]) =>
    [...JSON.stringify([db.Properties.MasterUsername, db.Properties.MasterUserPassword]).matchAll(/"Ref":"(\w+)"/g)].map((m) => m[1]));
}

/**
 * Hasura logs in as its own database role, never as the RDS master user, whose rds_superuser,
 * CREATEROLE and CREATEDB a bug or injected SQL in Hasura would otherwise inherit (PostgreSQL
 * documentation, "Database Roles"; Amazon RDS User Guide, "Master user account privileges"). So no
 * task definition is given the master secret, and every container that builds a database URL from
 * `PLATFORM_DB_USER` and `PLATFORM_DB_PASSWORD` gets them from a database role's secret.
 */
export function hasuraLogsInAsItsRole(resources: Resources): Breaches {
  const breaches: Breaches = [];
  const masterSecrets = masterSecretsOf(resources);
  const roleSecrets = ofType(resources, 'Custom::HasuraDatabaseRole').map(([, role]) => role.Properties.RoleSecretArn?.Ref);
  for (const [taskId, task] of ofType(resources, 'AWS::ECS::TaskDefinition')) {
    for (const container of task.Properties.ContainerDefinitions) {
      for (const secret of container.Secrets ?? []) {
        const master = masterSecrets.find((secretId) => refersTo(secret.ValueFrom, secretId));
        if (master) {
          breaches.push(`${taskId}/${container.Name} is given the master secret ${master} as ${secret.Name}`);
        } else if (/^PLATFORM_DB_(USER|PASSWORD)$/.test(secret.Name) && !roleSecrets.some((secretId) => refersTo(secret.ValueFrom, secretId))) {
          breaches.push(`${taskId}/${container.Name} takes ${secret.Name} from no database role's secret`);
        }
      }
    }
  }
  return breaches;
}

/** Whether `statement` applies to `action`, directly or through a wildcard. */
function coversAction(statement: any, action: string): boolean {
  return asArray<string>(statement.Action).some((a) => a === action || (a.endsWith('*') && action.startsWith(a.slice(0, -1))));
}

/**
 * RDS may use the key that encrypts each database instance: it creates a grant on the key with the
 * permissions of whoever creates the instance (AWS KMS Developer Guide, "How Amazon RDS uses AWS KMS"),
 * so the key policy must let the account's IAM policies allow kms:CreateGrant, and may deny grants only
 * where they are not for an AWS resource (kms:GrantIsForAWSResource false).
 */
export function rdsMayUseItsKeys(resources: Resources): Breaches {
  const breaches: Breaches = [];
  for (const [id, instance] of ofType(resources, 'AWS::RDS::DBInstance')) {
    const keyId = instance.Properties.KmsKeyId?.['Fn::GetAtt']?.[0] ?? instance.Properties.KmsKeyId?.Ref;
    const key = keyId ? resources[keyId] : undefined;
    if (!key) {
      continue;
    }
    const statements: any[] = key.Properties.KeyPolicy.Statement;
    const accountMayGrant = statements.some((s) => s.Effect === 'Allow' && coversAction(s, 'kms:CreateGrant')
      && JSON.stringify(s.Principal?.AWS ?? '').includes(':root'));
    if (!accountMayGrant) {
      breaches.push(`${id} is encrypted with ${keyId}, whose policy does not let the account's principals create the grant RDS needs`);
    }
    const deniesServiceGrants = statements.some((s) => s.Effect === 'Deny' && coversAction(s, 'kms:CreateGrant')
      && !['Bool', 'BoolIfExists'].some((operator) => s.Condition?.[operator]?.['kms:GrantIsForAWSResource'] === 'false'));
    if (deniesServiceGrants) {
      breaches.push(`${id} is encrypted with ${keyId}, whose policy denies the grants RDS creates`);
    }
  }
  return breaches;
}

/** A template value as text, references shown as `<LogicalId>`: enough to read a configuration that names resources. */
function asText(value: any): string {
  if (typeof value === 'string') {
    return value;
  }
  if (value?.['Fn::Join']) {
    return value['Fn::Join'][1].map(asText).join(value['Fn::Join'][0]);
  }
  return `<${value?.Ref ?? value?.['Fn::GetAtt']?.join('.') ?? JSON.stringify(value)}>`;
}

/** A container's plain environment as a name -> value map. */
function environmentOf(container: any): { [name: string]: any } {
  return Object.fromEntries((container.Environment ?? []).map((e: any) => [e.Name, e.Value]));
}

/** Whether `statement` allows `action` on every resource. */
function allowsEverywhere(statement: any, action: string): boolean {
  return statement.Effect === 'Allow' && asArray<string>(statement.Action).includes(action) && asArray(statement.Resource).includes('*');
}

/**
 * A server that exports traces reaches a collector that reaches X-Ray. Containers of one awsvpc task
 * share its network namespace, so the server's OTLP endpoint must be a loopback address and a port that
 * a collector in the same task receives OTLP/HTTP on (Amazon ECS Developer Guide, "awsvpc network
 * mode"). The collector exports to X-Ray with the task role, which needs xray:PutTraceSegments, an
 * action without resource-level permissions. A collector that is essential would stop the whole task,
 * and so the site, when it exits.
 */
export function tracesReachXRay(resources: Resources): Breaches {
  const breaches: Breaches = [];
  for (const [taskId, task] of ofType(resources, 'AWS::ECS::TaskDefinition')) {
    const containers: any[] = task.Properties.ContainerDefinitions;
    const collectors = containers.filter((c) => environmentOf(c).AOT_CONFIG_CONTENT !== undefined)
      .map((c) => ({ container: c, config: parse(asText(environmentOf(c).AOT_CONFIG_CONTENT)) }));
    for (const server of containers.filter((c) => environmentOf(c).OTEL_EXPORTER_OTLP_ENDPOINT !== undefined)) {
      const endpoint = new URL(asText(environmentOf(server).OTEL_EXPORTER_OTLP_ENDPOINT));
      if (!['127.0.0.1', 'localhost', '[::1]'].includes(endpoint.hostname)) {
        breaches.push(`${taskId}/${server.Name} exports traces to ${endpoint.host}, which is not the task's loopback`);
      }
      const receiving = collectors.filter(({ config }) => String(config?.receivers?.otlp?.protocols?.http?.endpoint ?? '')
        .endsWith(`:${endpoint.port}`));
      if (receiving.length === 0) {
        breaches.push(`${taskId}/${server.Name} exports traces to port ${endpoint.port}, where no collector in its task receives OTLP/HTTP`);
      }
      for (const { container, config } of receiving) {
        if (container.Essential !== false) {
          breaches.push(`${taskId}/${container.Name} is essential: its exit would stop the task`);
        }
        if (!(config?.service?.pipelines?.traces?.exporters ?? []).includes('awsxray')) {
          breaches.push(`${taskId}/${container.Name} does not export traces to X-Ray`);
        }
      }
    }
    if (collectors.some(({ config }) => JSON.stringify(config?.exporters ?? {}).includes('awsxray'))) {
      const roleId = task.Properties.TaskRoleArn?.['Fn::GetAtt']?.[0];
      const statements = ofType(resources, 'AWS::IAM::Policy')
        .filter(([, p]) => asArray(p.Properties.Roles).some((role: any) => role.Ref === roleId))
        .flatMap(([, p]) => asArray(p.Properties.PolicyDocument.Statement));
      if (!statements.some((statement: any) => allowsEverywhere(statement, 'xray:PutTraceSegments'))) {
        breaches.push(`${taskId}'s task role ${roleId} may not call xray:PutTraceSegments, so its collector cannot send traces`);
      }
    }
  }
  return breaches;
}

/**
 * The database role's handler reaches what it needs: it runs in the VPC, the database's security
 * group admits it on the database port and its own lets it out to the database and to HTTPS (Secrets
 * Manager, through NAT), and its role may read the master's and the role's secrets (a VPC function has
 * only the network its security groups allow: AWS Lambda Developer Guide, "Giving Lambda functions
 * access to resources in an Amazon VPC").
 */
export function databaseRoleHandlerReaches(resources: Resources): Breaches {
  const breaches: Breaches = [];
  const [databaseId, database] = ofType(resources, 'AWS::RDS::DBInstance')[0] ?? [];
  const port = Number(database?.Properties.Port ?? 5432);
  const databaseGroups = asArray<any>(database?.Properties.VPCSecurityGroups).map((g) => g['Fn::GetAtt']?.[0]);
  const allows = (rule: any, from: string, toPort: number) => refersTo(rule.SourceSecurityGroupId ?? rule.DestinationSecurityGroupId, from)
    && Number(rule.FromPort) <= toPort && toPort <= Number(rule.ToPort);
  for (const [fnId, fn] of ofType(resources, 'AWS::Lambda::Function').filter(([, f]) => f.Properties.Environment?.Variables?.DATABASE_ROLE_SETTINGS)) {
    const groups = asArray<any>(fn.Properties.VpcConfig?.SecurityGroupIds).map((g) => g['Fn::GetAtt']?.[0]);
    if (groups.length === 0) {
      breaches.push(`${fnId} is not in the VPC, so it cannot reach the database`);
      continue;
    }
    const ingress = ofType(resources, 'AWS::EC2::SecurityGroupIngress').map(([, r]) => r.Properties);
    if (!ingress.some((rule) => databaseGroups.some((g) => refersTo(rule.GroupId, g)) && groups.some((g) => allows(rule, g, port)))) {
      breaches.push(`${databaseId}'s security group does not admit ${fnId} on port ${port}`);
    }
    const egress = [...ofType(resources, 'AWS::EC2::SecurityGroupEgress').map(([, r]) => r.Properties)
      .filter((rule) => groups.some((g) => refersTo(rule.GroupId, g))),
    ...groups.flatMap((g) => asArray<any>(resources[g]?.Properties.SecurityGroupEgress))];
    const openTo = (toPort: number) => egress.some((rule) => rule.CidrIp === '0.0.0.0/0'
      && (rule.IpProtocol === '-1' || (Number(rule.FromPort) <= toPort && toPort <= Number(rule.ToPort))));
    if (!openTo(port) && !egress.some((rule) => databaseGroups.some((g) => allows(rule, g, port)))) {
      breaches.push(`${fnId}'s security group does not let it out to the database on port ${port}`);
    }
    if (!openTo(443)) {
      breaches.push(`${fnId}'s security group does not let it out to Secrets Manager on 443`);
    }
    const roleId = fn.Properties.Role?.['Fn::GetAtt']?.[0];
    const readable = ofType(resources, 'AWS::IAM::Policy')
      .filter(([, p]) => asArray(p.Properties.Roles).some((role: any) => role.Ref === roleId))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement)
      .filter((st: any) => st.Effect === 'Allow' && asArray<string>(st.Action).includes('secretsmanager:GetSecretValue'))
      .flatMap((st: any) => asArray(st.Resource));
    for (const [, role] of ofType(resources, 'Custom::HasuraDatabaseRole')) {
      for (const property of ['MasterSecretArn', 'RoleSecretArn']) {
        const secretId = role.Properties[property]?.Ref;
        if (!readable.some((resource) => refersTo(resource, secretId))) {
          breaches.push(`${fnId} cannot read ${secretId} (${property})`);
        }
      }
    }
  }
  return breaches;
}

/** A value as text, with references as `<LogicalId>` and joins flattened. */
function flatten(value: any): string {
  if (typeof value === 'string') {
    return value;
  }
  if (value?.Ref !== undefined) {
    return `<${value.Ref}>`;
  }
  if (value?.['Fn::Join'] !== undefined) {
    const [separator, parts] = value['Fn::Join'];
    return parts.map(flatten).join(separator);
  }
  return JSON.stringify(value);
}

/**
 * Every backup copy of the platform lands in a vault of the recovery region: AWS Backup copies into the
 * vault named by its ARN (region and name), which must exist there with a key of that region, and the
 * plan's role must be allowed to use that region's keys, through AWS Backup, for the copy to re-encrypt it.
 */
export function backupCopiesLand(platform: Resources, recovery: Resources, recoveryRegion: string): Breaches {
  const breaches: Breaches = [];
  const vaults = new Map(ofType(recovery, 'AWS::Backup::BackupVault').map(([id, vault]) => [vault.Properties.BackupVaultName, [id, vault]]));
  const keyStatements = ofType(platform, 'AWS::IAM::Policy').flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
  for (const [planId, plan] of ofType(platform, 'AWS::Backup::BackupPlan')) {
    for (const rule of plan.Properties.BackupPlan.BackupPlanRule) {
      for (const copy of rule.CopyActions ?? []) {
        const arn = flatten(copy.DestinationBackupVaultArn);
        const match = /:backup:([a-z0-9-]+):.*:backup-vault:([^:]+)$/.exec(arn);
        const [id, vault] = (match && match[1] === recoveryRegion && vaults.get(match[2])) || [];
        if (!vault) {
          breaches.push(`${planId} copies to ${arn}, which is no vault of the recovery region ${recoveryRegion}`);
          continue;
        }
        const keyId = vault.Properties.EncryptionKeyArn?.['Fn::GetAtt']?.[0];
        if (!keyId || recovery[keyId]?.Type !== 'AWS::KMS::Key') {
          breaches.push(`${id}, where ${planId} copies to, is not encrypted with a key of its region`);
        }
        const mayUseKeys = keyStatements.some((s) => s.Effect === 'Allow' && coversAction(s, 'kms:CreateGrant')
          && flatten(s.Resource).includes(`:kms:${recoveryRegion}:`)
          && JSON.stringify(s.Condition ?? {}).includes(`backup.${recoveryRegion}.amazonaws.com`));
        if (!mayUseKeys) {
          breaches.push(`${planId}'s role may not use the keys of ${recoveryRegion} through AWS Backup, so its copies cannot be re-encrypted there`);
        }
      }
    }
  }
  return breaches;
}

/**
 * The containers of a Fargate task fit its memory: the sum of their hard limits must not exceed the
 * task's memory (Amazon ECS Developer Guide, "Task definition parameters", memory), and a task that
 * joins Service Connect also holds its proxy, for which AWS recommends 64 MiB.
 */
export function containersFitTheirTask(resources: Resources): Breaches {
  const breaches: Breaches = [];
  for (const [taskId, task] of ofType(resources, 'AWS::ECS::TaskDefinition')) {
    const withProxy = ofType(resources, 'AWS::ECS::Service').some(([, service]) =>
      service.Properties.TaskDefinition?.Ref === taskId && service.Properties.ServiceConnectConfiguration !== undefined);
    const limits = task.Properties.ContainerDefinitions.reduce((sum: number, c: any) => sum + Number(c.Memory ?? 0), 0);
    const available = Number(task.Properties.Memory) - (withProxy ? 64 : 0);
    if (limits > available) {
      breaches.push(`${taskId}'s containers may use ${limits} MiB, more than the ${available} MiB its task leaves them`);
    }
  }
  return breaches;
}

/**
 * Hasura's metrics are read from Hasura's own logs: every metric filter over `http-log` lines filters
 * the log group the Hasura containers write to, `/ecs/<platformName>/hasura`.
 */
export function hasuraMetricsReadHasuraLogs(resources: Resources, platformName: string): Breaches {
  const hasuraGroup = Object.entries(resources).find(([, r]) => r.Type === 'AWS::Logs::LogGroup'
    && r.Properties.LogGroupName === `/ecs/${platformName}/hasura`)?.[0];
  return ofType(resources, 'AWS::Logs::MetricFilter')
    .filter(([, filter]) => String(filter.Properties.FilterPattern).includes('"http-log"'))
    .filter(([, filter]) => hasuraGroup === undefined || filter.Properties.LogGroupName?.Ref !== hasuraGroup)
    .map(([id, filter]) => `${id} reads Hasura's http-log from ${JSON.stringify(filter.Properties.LogGroupName)}, not from Hasura's log group`);
}

/** Every contract above, for a platform named `platformName`. */
export function contractBreaches(template: { Resources: Resources }, platformName: string, exemptNames: RegExp[] = []): Breaches {
  const resources = template.Resources;
  return [
    ...publishersMayPublish(resources),
    ...tasksReadTheirSecrets(resources),
    ...oneEngine(resources),
    ...nothingPullsAnonymouslyFromDockerHub(resources),
    ...fixedNamesCarryPlatformName(resources, platformName, exemptNames),
    ...customResourcesFitLimits(resources),
    ...orderingIsExplicit(resources),
    ...hasuraLogsInAsItsRole(resources),
    ...databaseRoleHandlerReaches(resources),
    ...tracesReachXRay(resources),
    ...containersFitTheirTask(resources),
    ...hasuraMetricsReadHasuraLogs(resources, platformName),
    ...rdsMayUseItsKeys(resources),
  ];
}

/** The platform's name, read from its Hasura log group `/ecs/<platformName>/hasura`. */
export function platformNameOf(template: { Resources: { [id: string]: any } }): string {
  const group = Object.values<any>(template.Resources).map((r) => r.Properties?.LogGroupName)
    .find((name) => typeof name === 'string' && /^\/ecs\/[^/]+\/hasura$/.test(name));
  return group.split('/')[2];
}
