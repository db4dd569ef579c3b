// The model behind the property tests: prop sets as plain data, fast-check arbitraries that draw
// valid sets from the domain and spoil them one value at a time, and the invariants a synthesized
// platform must keep. The tests themselves are split over several files so jest runs them in parallel.
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as fc from 'fast-check';
import {
  HasuraApi, HasuraNextjsPlatformProps, HasuraOptions, NextjsOptions,
  PlatformDatabaseOptions, PlatformLoadBalancerOptions, PlatformNetworkOptions,
} from '../../src';
import {
  containerNamed, environmentOf, ingressRules, minimalProps, NEXTJS_IMAGE, secretNamesOf, sharedOutdir, TEST_AZS, TEST_ENV, testApp,
} from '../util';

/** Fixed, so a run is reproducible; fast-check prints the seed and path of any counterexample. */
export const SEED = 1_337_2026;
/**
 * Each valid case synthesizes a whole platform (about 100-150 ms on two cores); an invalid one fails
 * in a few milliseconds. PROPERTIES_VALID_RUNS and PROPERTIES_INVALID_RUNS ask for a deeper run.
 */
export const VALID_RUNS = Number(process.env.PROPERTIES_VALID_RUNS ?? 300);
export const INVALID_RUNS = Number(process.env.PROPERTIES_INVALID_RUNS ?? 1000);

// ---------------------------------------------------------------------------------------------
// The props as plain data, so counterexamples print readably. `platformProps` turns them into props.

export type ServiceSpec = { secretNames?: string[] };
export type HasuraSpec = Omit<HasuraOptions, 'image' | 'adminSecret' | 'jwt' | 'secrets'> & ServiceSpec;
export type NextjsSpec = Omit<NextjsOptions, 'image' | 'nextAuthSecret' | 'secrets'> & ServiceSpec;
export type DatabaseSpec = Omit<PlatformDatabaseOptions, 'engineVersion' | 'instanceType' | 'backupRetention'> & {
  instanceClass?: string;
  backupRetentionHours?: number;
};
export type LoadBalancerSpec = Omit<PlatformLoadBalancerOptions, 'deregistrationDelay'> & { deregistrationDelayMillis?: number };

export interface Spec {
  readonly platformName?: string;
  /** A VPC the stack creates itself and hands to the platform. */
  readonly existingVpc?: { maxAzs: number; natGateways: number };
  readonly network?: PlatformNetworkOptions;
  readonly database: DatabaseSpec;
  readonly hasura: HasuraSpec;
  readonly nextjs: NextjsSpec;
  readonly loadBalancer: LoadBalancerSpec;
  readonly domain?: { domainName: string; zoneName: string };
  readonly logRetention?: logs.RetentionDays;
}

export function platformProps(stack: Stack, spec: Spec): HasuraNextjsPlatformProps {
  const { instanceClass, backupRetentionHours, ...database } = spec.database;
  const { deregistrationDelayMillis, ...loadBalancer } = spec.loadBalancer;
  return {
    platformName: spec.platformName,
    vpc: spec.existingVpc && new ec2.Vpc(stack, 'ExistingVpc', spec.existingVpc),
    network: spec.network,
    database: {
      ...database,
      instanceType: instanceClass === undefined ? undefined : new ec2.InstanceType(instanceClass),
      backupRetention: backupRetentionHours === undefined ? undefined : Duration.hours(backupRetentionHours),
    },
    hasura: { ...spec.hasura, secrets: importedSecrets(stack, 'Hasura', spec.hasura.secretNames) },
    nextjs: { ...spec.nextjs, image: NEXTJS_IMAGE, secrets: importedSecrets(stack, 'Nextjs', spec.nextjs.secretNames) },
    loadBalancer: {
      ...loadBalancer,
      deregistrationDelay: deregistrationDelayMillis === undefined ? undefined : Duration.millis(deregistrationDelayMillis),
    },
    domain: spec.domain && {
      domainName: spec.domain.domainName,
      hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
        hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: spec.domain.zoneName,
      }),
    },
    logRetention: spec.logRetention,
  };
}

export function importedSecrets(stack: Stack, owner: string, names: string[] = []): { [name: string]: ecs.Secret } {
  return Object.fromEntries(names.map((name) => [name, ecs.Secret.fromSecretsManager(
    secretsmanager.Secret.fromSecretNameV2(stack, `${owner}${name}`, `app/${name}`))]));
}

/**
 * A stack of the unit tests' app, which knows the four test zones. Its app synthesizes into the
 * worker's shared directory, so the hundreds of synths stage the same assets only once.
 */
export function fuzzStack(): Stack {
  return new Stack(testApp({}, sharedOutdir()), 'Test', { env: TEST_ENV });
}

export function zoneCount(spec: Spec): number {
  if (spec.existingVpc) {
    return spec.existingVpc.maxAzs;
  }
  return spec.network?.availabilityZones?.length ?? spec.network?.maxAzs ?? 2;
}

// ---------------------------------------------------------------------------------------------
// IPv4 blocks

export interface Block {
  readonly first: number;
  readonly prefix: number;
}

export const blockSize = (block: Block) => 2 ** (32 - block.prefix);

export function cidrOf(block: Block): string {
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(block.first / 2 ** shift) % 256);
  return `${octets.join('.')}/${block.prefix}`;
}

export function blockOf(cidr: string): Block {
  const [address, prefix] = cidr.split('/');
  return { first: address.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0), prefix: Number(prefix) };
}

export const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map(blockOf);
export const DEFAULT_VPC = blockOf('10.0.0.0/16');

/** Any aligned block of length `prefix` inside `outer`. */
export function blockIn(outer: Block, prefix: number): fc.Arbitrary<Block> {
  return fc.integer({ min: 0, max: 2 ** (prefix - outer.prefix) - 1 })
    .map((index) => ({ first: outer.first + index * 2 ** (32 - prefix), prefix }));
}

/** A block in one of the RFC 1918 ranges, with a prefix length from `minPrefix` to `maxPrefix`. */
export function privateBlock(minPrefix: number, maxPrefix: number): fc.Arbitrary<Block> {
  return fc.constantFrom(...PRIVATE_RANGES).chain((range) =>
    fc.integer({ min: Math.max(minPrefix, range.prefix), max: maxPrefix }).chain((prefix) => blockIn(range, prefix)));
}

/**
 * One public and one private subnet per zone inside `vpc`, none overlapping: distinct slots of equal
 * size, each holding a subnet of the slot's size or up to four times smaller.
 */
export function explicitSubnets(vpc: Block, azCount: number): fc.Arbitrary<Pick<PlatformNetworkOptions, 'publicSubnetCidrs' | 'privateSubnetCidrs'>> {
  const count = 2 * azCount;
  return fc.integer({ min: vpc.prefix + 3, max: Math.min(28, vpc.prefix + 8) }).chain((slotPrefix) => {
    const shape = fc.integer({ min: 0, max: Math.min(2, 28 - slotPrefix) })
      .chain((extra) => fc.integer({ min: 0, max: 2 ** extra - 1 }).map((offset) => ({ extra, offset })));
    return fc.tuple(
      fc.uniqueArray(fc.integer({ min: 0, max: 2 ** (slotPrefix - vpc.prefix) - 1 }), { minLength: count, maxLength: count }),
      fc.array(shape, { minLength: count, maxLength: count }),
    ).map(([slots, shapes]) => {
      const cidrs = slots.map((slot, index) => {
        const { extra, offset } = shapes[index];
        const prefix = slotPrefix + extra;
        return cidrOf({ first: vpc.first + slot * 2 ** (32 - slotPrefix) + offset * 2 ** (32 - prefix), prefix });
      });
      return { publicSubnetCidrs: cidrs.slice(0, azCount), privateSubnetCidrs: cidrs.slice(azCount) };
    });
  });
}

/** The documented default layout: the i-th /24 of the VPC public, the (10+i)-th private. */
export function defaultSubnets(vpc: Block, azCount: number): { publicSubnetCidrs: string[]; privateSubnetCidrs: string[] } {
  const slash24 = (index: number) => cidrOf({ first: vpc.first + index * 256, prefix: 24 });
  const zones = Array.from({ length: azCount }, (_, index) => index);
  return { publicSubnetCidrs: zones.map(slash24), privateSubnetCidrs: zones.map((index) => slash24(10 + index)) };
}

// ---------------------------------------------------------------------------------------------
// Valid props, drawn from the domain

/** Undefined half of the time: the prop is left to its default. */
export const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined, freq: 2 });

/** Task sizes Fargate offers: CPU units -> memory MiB from, to, step. */
export const FARGATE_TABLE: Array<[number, number, number, number]> = [
  [512, 1024, 4096, 1024], [1024, 2048, 8192, 1024], [2048, 4096, 16384, 1024],
  [4096, 8192, 30720, 1024], [8192, 16384, 61440, 4096], [16384, 32768, 122880, 8192],
];
export const FARGATE_SIZES: Array<{ cpu: number; memoryLimitMiB: number }> = [
  ...[512, 1024, 2048].map((memoryLimitMiB) => ({ cpu: 256, memoryLimitMiB })),
  ...FARGATE_TABLE.flatMap(([cpu, from, to, step]) =>
    Array.from({ length: (to - from) / step + 1 }, (_, index) => ({ cpu, memoryLimitMiB: from + index * step }))),
];

/** Names that look like secrets (never in plain environment), and names the platform sets itself. */
export const SECRET_LIKE = /SECRET|PASSWORD|PASSWD|TOKEN|JWT|DATABASE_URL|KEY/i;
export const PLATFORM_NAMES = /^(HASURA_GRAPHQL_|PLATFORM_DB_|NEXT)|^(PORT|HOSTNAME|NODE_ENV|JWT_SECRET)$/;

export const harmlessName = fc.stringMatching(/^[A-Z][A-Z0-9_]{0,19}$/)
  .filter((name) => !SECRET_LIKE.test(name) && !PLATFORM_NAMES.test(name));
export const environmentArb = fc.dictionary(harmlessName, fc.string({ maxLength: 24 }), { maxKeys: 4, noNullPrototype: true });
export const secretNamesArb = fc.uniqueArray(fc.stringMatching(/^[A-Z][A-Z0-9_]{0,11}$/).map((base) => `${base}_SECRET`)
  .filter((name) => !PLATFORM_NAMES.test(name)), { maxLength: 3 });

export const autoScalingArb = fc.integer({ min: 1, max: 4 }).chain((minTasks) => fc.record({
  minTasks: fc.constant(minTasks),
  maxTasks: fc.integer({ min: minTasks, max: 12 }),
  cpuTargetPercent: maybe(fc.integer({ min: 10, max: 90 })),
  memoryTargetPercent: maybe(fc.integer({ min: 10, max: 95 })),
  requestsPerTarget: maybe(fc.integer({ min: 1, max: 5000 })),
}));

/** A fixed count or autoscaling, never both. */
export const countArb = fc.oneof(
  maybe(fc.integer({ min: 0, max: 10 })).map((desiredCount) => ({ desiredCount })),
  autoScalingArb.map((autoScaling) => ({ autoScaling })),
);

export const serviceArb = fc.record({
  size: maybe(fc.constantFrom(...FARGATE_SIZES)),
  count: countArb,
  cpuArchitecture: maybe(fc.constantFrom(ecs.CpuArchitecture.X86_64, ecs.CpuArchitecture.ARM64)),
  environment: maybe(environmentArb),
  secretNames: maybe(secretNamesArb),
}).map(({ size, count, ...rest }) => ({ ...size, ...count, ...rest }));

export const consoleArb: fc.Arbitrary<NonNullable<HasuraOptions['console']>> = fc.uniqueArray(privateBlock(8, 32).map(cidrOf), { minLength: 1, maxLength: 3 })
  .chain((allowedCidrs) => fc.oneof(
    maybe(fc.boolean()).map((insecureAllowAnyIpv4) => ({ allowedCidrs, insecureAllowAnyIpv4 })),
    fc.shuffledSubarray([...allowedCidrs, '0.0.0.0/0'], { minLength: allowedCidrs.length + 1 })
      .map((withAnywhere) => ({ allowedCidrs: withAnywhere, insecureAllowAnyIpv4: true })),
  ));

export const OPTIONAL_APIS = [HasuraApi.METADATA, HasuraApi.PGDUMP, HasuraApi.CONFIG, HasuraApi.DEVELOPER, HasuraApi.METRICS];

export const hasuraArb: fc.Arbitrary<HasuraSpec> = fc.record({
  service: serviceArb,
  console: maybe(consoleArb),
  devMode: maybe(fc.boolean()),
  unauthorizedRole: maybe(fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/)),
  extraApis: maybe(fc.subarray(OPTIONAL_APIS)),
}).map(({ service, extraApis, ...rest }) => ({
  ...service,
  ...rest,
  enabledApis: extraApis && [HasuraApi.GRAPHQL, ...new Set([...extraApis, ...(rest.console ? [HasuraApi.METADATA] : [])])],
}));

export const nextjsArb: fc.Arbitrary<NextjsSpec> = fc.record({
  service: serviceArb,
  containerPort: maybe(fc.integer({ min: 1024, max: 65535 })),
  healthCheckPath: maybe(fc.stringMatching(/^\/[a-z0-9/_.-]{0,30}$/)),
  fargateSpot: maybe(fc.boolean()),
  containerHealthCheck: maybe(fc.boolean()),
}).map(({ service, ...rest }) => ({ ...service, ...rest }))
  // Fargate Spot runs only X86_64 tasks.
  .map((spec) => (isArm64(spec) ? { ...spec, fargateSpot: undefined } : spec));

export const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60) % 24).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
export const backupWindowArb = fc.integer({ min: 30, max: 180 })
  .chain((length) => fc.integer({ min: 0, max: 1440 - length }).map((start) => `${hhmm(start)}-${hhmm(start + length)}`));
export const maintenanceWindowArb = fc.tuple(fc.integer({ min: 0, max: 7 * 1440 - 1 }), fc.integer({ min: 30, max: 180 }))
  .map(([start, length]) => {
    const at = (minute: number) => `${DAYS[Math.floor(minute / 1440) % 7]}:${hhmm(minute % 1440)}`;
    return `${at(start)}-${at(start + length)}`;
  });

/**
 * RDS's default max_connections, DBInstanceClassMemory/9531392 capped at 5000, with the platform's
 * conservative estimate of DBInstanceClassMemory (three quarters of the nominal memory), by class.
 */
export const MAX_CONNECTIONS_BY_CLASS: { [instanceClass: string]: number } = {
  't3.micro': 84, 't3.small': 168, 't4g.medium': 337, 'm6g.large': 675, 'm7g.xlarge': 1351, 'r6g.large': 1351, 'r7g.2xlarge': 5000,
};
export const INSTANCE_CLASSES = Object.keys(MAX_CONNECTIONS_BY_CLASS);
export const RESERVED_CONNECTIONS = 8;

export const isArm64 = (options: { cpuArchitecture?: ecs.CpuArchitecture }) => options.cpuArchitecture === ecs.CpuArchitecture.ARM64;

/** The database's max_connections as the spec sets it, computed here independently of the library. */
export const maxConnectionsOf = (spec: Spec) => spec.database.maxConnections ?? MAX_CONNECTIONS_BY_CLASS[spec.database.instanceClass ?? 't3.micro'];

/** Most Hasura tasks at once: twice the scaling maximum or fixed count (a deploy), at least one more. */
export function peakHasuraTasks(spec: Spec): number {
  const steady = spec.hasura.autoScaling?.maxTasks ?? spec.hasura.desiredCount ?? 2;
  return Math.max(2 * steady, steady + 1);
}

/** Connections per pool that the budget leaves each Hasura task, each with two pools. */
export const poolShare = (spec: Spec) => Math.floor((maxConnectionsOf(spec) - RESERVED_CONNECTIONS) / (peakHasuraTasks(spec) * 2));

/**
 * Whether the daily backup window and the weekly maintenance window (defaults where unset) share a
 * minute, by marking every minute of the week: RDS refuses windows that overlap.
 */
export function windowsOverlap(backup = '03:00-04:00', maintenance = 'mon:04:00-mon:05:00'): boolean {
  const week = 7 * 1440;
  const minuteOf = (time: string) => {
    const parts = time.split(':');
    const day = parts.length === 3 ? DAYS.indexOf(parts[0]) : 0;
    return day * 1440 + Number(parts[parts.length - 2]) * 60 + Number(parts[parts.length - 1]);
  };
  const covered = new Set<number>();
  const [mStart, mEnd] = maintenance.split('-').map(minuteOf);
  for (let m = mStart; m !== mEnd; m = (m + 1) % week) covered.add(m);
  const [bStart, bEnd] = backup.split('-').map(minuteOf);
  for (let day = 0; day < 7; day++) {
    for (let m = bStart; m !== bEnd; m = (m + 1) % 1440) {
      if (covered.has(day * 1440 + m)) return true;
    }
  }
  return false;
}


export const storageArb = fc.oneof(
  fc.constant({}),
  fc.integer({ min: 20, max: 39 }).map((allocatedStorageGiB) => ({ allocatedStorageGiB })),
  fc.integer({ min: 21, max: 65536 }).map((maxAllocatedStorageGiB) => ({ maxAllocatedStorageGiB })),
  fc.integer({ min: 20, max: 65535 }).chain((allocatedStorageGiB) => fc.integer({ min: allocatedStorageGiB + 1, max: 65536 })
    .map((maxAllocatedStorageGiB) => ({ allocatedStorageGiB, maxAllocatedStorageGiB }))),
);

/** Deletion protection and removal policy; DESTROY only where deletion protection is off, as documented. */
export const protectionArb = maybe(fc.boolean()).chain((deletionProtection) => fc.record({
  deletionProtection: fc.constant(deletionProtection),
  removalPolicy: maybe(fc.constantFrom(RemovalPolicy.SNAPSHOT, RemovalPolicy.RETAIN,
    ...(deletionProtection === false ? [RemovalPolicy.DESTROY] : []))),
}));

export const databaseArb: fc.Arbitrary<DatabaseSpec> = fc.record({
  instanceClass: maybe(fc.constantFrom(...INSTANCE_CLASSES)),
  maxConnections: fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.integer({ min: 40, max: 5000 }) }),
  storage: storageArb,
  multiAz: maybe(fc.boolean()),
  backupRetentionHours: maybe(fc.integer({ min: 1, max: 35 }).map((days) => days * 24)),
  preferredBackupWindow: maybe(backupWindowArb),
  preferredMaintenanceWindow: maybe(maintenanceWindowArb),
  databaseName: maybe(fc.stringMatching(/^[a-z][a-z0-9_]{0,15}$/)),
  protection: protectionArb,
}).map(({ storage, protection, ...rest }) => ({ ...rest, ...storage, ...protection }))
  .filter((database) => !windowsOverlap(database.preferredBackupWindow, database.preferredMaintenanceWindow));

export const webAclArnArb = fc.tuple(fc.stringMatching(/^\d{12}$/), fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/), fc.uuid())
  .map(([account, name, id]) => `arn:aws:wafv2:us-east-1:${account}:regional/webacl/${name}/${id}`);

export const loadBalancerArb: fc.Arbitrary<LoadBalancerSpec> = fc.record({
  deletionProtection: maybe(fc.boolean()),
  deregistrationDelayMillis: maybe(fc.integer({ min: 0, max: 3600 }).map((seconds) => seconds * 1000)),
  logs: fc.oneof(
    maybe(fc.integer({ min: 1, max: 3650 })).map((accessLogRetentionDays) => ({ accessLogRetentionDays })),
    fc.constant({ accessLogs: true }),
    fc.constant({ accessLogs: false }),
  ),
  webAclArn: maybe(webAclArnArb),
}).map(({ logs: accessLogs, ...rest }) => ({ ...rest, ...accessLogs }));

export const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
export const zoneNameArb = fc.tuple(label, fc.constantFrom('com', 'org', 'net', 'dev', 'io')).map((labels) => labels.join('.'));
export const domainArb = zoneNameArb.chain((zoneName) => fc.array(label, { maxLength: 2 })
  .map((subdomain) => ({ zoneName, domainName: [...subdomain, zoneName].join('.') })));

export const zonesArb: fc.Arbitrary<Pick<PlatformNetworkOptions, 'maxAzs' | 'availabilityZones'>> = fc.oneof(
  fc.constant({}),
  fc.integer({ min: 2, max: 4 }).map((maxAzs) => ({ maxAzs })),
  fc.shuffledSubarray(TEST_AZS, { minLength: 2, maxLength: 4 }).map((availabilityZones) => ({ availabilityZones })),
);

export const networkArb: fc.Arbitrary<PlatformNetworkOptions> = zonesArb.chain((zones) => {
  const azCount = zones.availabilityZones?.length ?? zones.maxAzs ?? 2;
  const layout = maybe(privateBlock(16, 20)).chain((vpc) =>
    fc.oneof(fc.constant({}), explicitSubnets(vpc ?? DEFAULT_VPC, azCount))
      .map((subnets) => ({ vpcCidr: vpc && cidrOf(vpc), ...subnets })));
  return fc.record({
    natGateways: maybe(fc.integer({ min: 1, max: azCount })),
    layout,
    flowLogs: maybe(fc.boolean()),
  }).map(({ layout: chosen, ...rest }) => ({ ...zones, ...chosen, ...rest }));
});

export const existingVpcArb = fc.integer({ min: 2, max: 4 })
  .chain((maxAzs) => fc.integer({ min: 1, max: maxAzs }).map((natGateways) => ({ maxAzs, natGateways })));

/** Where the VPC comes from: the defaults, a network layout, or (less often) an existing VPC. */
export const vpcChoiceArb: fc.Arbitrary<Pick<Spec, 'existingVpc' | 'network'>> = fc.oneof(
  { arbitrary: fc.constant({}), weight: 1 },
  { arbitrary: networkArb.map((network) => ({ network })), weight: 4 },
  { arbitrary: existingVpcArb.map((existingVpc) => ({ existingVpc })), weight: 1 },
);

export const validSpecArb: fc.Arbitrary<Spec> = fc.record({
  platformName: maybe(fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$/)),
  vpcChoice: vpcChoiceArb,
  database: databaseArb,
  hasura: hasuraArb,
  nextjs: nextjsArb,
  loadBalancer: loadBalancerArb,
  domain: maybe(domainArb),
  logRetention: maybe(fc.constantFrom(logs.RetentionDays.ONE_DAY, logs.RetentionDays.ONE_WEEK,
    logs.RetentionDays.ONE_MONTH, logs.RetentionDays.ONE_YEAR, logs.RetentionDays.INFINITE)),
}).map(({ vpcChoice, ...rest }) => ({ ...vpcChoice, ...rest }))
  // Without a domain, a console over plain HTTP must be asked for by name.
  .map((spec) => (spec.hasura.console && !spec.domain
    ? { ...spec, hasura: { ...spec.hasura, console: { ...spec.hasura.console, insecureAllowPlainHttp: true } } } : spec))
  // Valid sets are the ones whose Hasura tasks fit the database with at least two connections per pool.
  .filter((spec) => poolShare(spec) >= 2);

// ---------------------------------------------------------------------------------------------
// Invariants of a synthesized platform

export type Resources = { [logicalId: string]: any };

export function ofType(resources: Resources, type: string): Array<[string, any]> {
  return Object.entries(resources).filter(([, resource]) => resource.Type === type);
}

export function only(resources: Resources, type: string): [string, any] {
  const found = ofType(resources, type);
  expect(found.map(([id]) => id)).toHaveLength(1);
  return found[0];
}

/** Logical ids of everything `value` points at with Ref or Fn::GetAtt. */
export function referencedIds(value: unknown): string[] {
  if (Array.isArray(value)) {
    return value.flatMap(referencedIds);
  }
  if (value && typeof value === 'object') {
    const object = value as { [key: string]: unknown };
    if (typeof object.Ref === 'string') {
      return [object.Ref];
    }
    if (Array.isArray(object['Fn::GetAtt'])) {
      return [object['Fn::GetAtt'][0] as string];
    }
    return Object.values(object).flatMap(referencedIds);
  }
  return [];
}

/** Subnets whose default route goes through a NAT gateway (not the internet gateway). */
export function privateSubnetIds(resources: Resources): Set<string> {
  const natTables = new Set(ofType(resources, 'AWS::EC2::Route')
    .filter(([, route]) => route.Properties.DestinationCidrBlock === '0.0.0.0/0' && route.Properties.NatGatewayId)
    .map(([, route]) => route.Properties.RouteTableId.Ref));
  return new Set(ofType(resources, 'AWS::EC2::SubnetRouteTableAssociation')
    .filter(([, association]) => natTables.has(association.Properties.RouteTableId.Ref))
    .map(([, association]) => association.Properties.SubnetId.Ref));
}

export function expectPrivateSubnets(resources: Resources, subnets: unknown, azCount: number): void {
  const ids = referencedIds(subnets);
  expect(ids).toHaveLength(azCount);
  const privateIds = privateSubnetIds(resources);
  expect(ids.filter((id) => !privateIds.has(id))).toEqual([]);
}

export function checkDatabase(spec: Spec, resources: Resources): void {
  const [databaseId, database] = only(resources, 'AWS::RDS::DBInstance');
  const options = spec.database;
  expect(database.Properties).toMatchObject({
    StorageEncrypted: true,
    PubliclyAccessible: false,
    DBInstanceClass: `db.${options.instanceClass ?? 't3.micro'}`,
    AllocatedStorage: String(options.allocatedStorageGiB ?? 20),
    MaxAllocatedStorage: options.maxAllocatedStorageGiB ?? 40,
    MultiAZ: options.multiAz ?? false,
    BackupRetentionPeriod: (options.backupRetentionHours ?? 7 * 24) / 24,
  });
  // Protection comes after creation, from the custom resource, so that a failed first deploy rolls back.
  expect(database.Properties.DeletionProtection).toBeUndefined();
  const [, guard] = only(resources, 'Custom::DeletionProtection');
  expect(guard.Properties.ProtectDatabase).toBe(String(options.deletionProtection ?? true));
  expect(guard.Properties.DatabaseInstanceIdentifier).toEqual({ Ref: databaseId });
  const policies: { [policy: string]: string } = { snapshot: 'Snapshot', retain: 'Retain', destroy: 'Delete' };
  const policy = policies[options.removalPolicy ?? RemovalPolicy.SNAPSHOT];
  expect([database.DeletionPolicy, database.UpdateReplacePolicy]).toEqual([policy, policy]);

  const [subnetGroupId] = referencedIds(database.Properties.DBSubnetGroupName);
  expectPrivateSubnets(resources, resources[subnetGroupId].Properties.SubnetIds, zoneCount(spec));

  // The master credentials outlive the instance (a final snapshot needs them) unless DESTROY was asked.
  const [, attachment] = ofType(resources, 'AWS::SecretsManager::SecretTargetAttachment')
    .find(([, candidate]) => candidate.Properties.TargetId.Ref === databaseId)!;
  const credentials = resources[attachment.Properties.SecretId.Ref];
  expect(credentials.DeletionPolicy).toBe(options.removalPolicy === RemovalPolicy.DESTROY ? 'Delete' : 'RetainExceptOnCreate');
}

/** The ECS service and task definition running the container `name`. */
export function serviceRunning(resources: Resources, name: string): { serviceId: string; service: any; taskDefinition: any } {
  const [serviceId, service] = ofType(resources, 'AWS::ECS::Service')
    .find(([, candidate]) => candidate.Properties.LoadBalancers[0].ContainerName === name)!;
  return { serviceId, service, taskDefinition: resources[service.Properties.TaskDefinition.Ref] };
}

/** Every Hasura task at the peak, with both its pools full, leaves the reserve of max_connections free. */
export function checkConnections(spec: Spec, template: Template, resources: Resources): void {
  const [, parameterGroup] = only(resources, 'AWS::RDS::DBParameterGroup');
  const maxConnections = Number(parameterGroup.Properties.Parameters.max_connections);
  expect(maxConnections).toBe(maxConnectionsOf(spec));
  const pool = Number(environmentOf(containerNamed(template, 'hasura')).HASURA_GRAPHQL_PG_CONNECTIONS);
  expect(pool).toBeGreaterThanOrEqual(2);
  expect(pool).toBeLessThanOrEqual(50);
  const { service } = serviceRunning(resources, 'hasura');
  const steady = spec.hasura.autoScaling?.maxTasks ?? service.Properties.DesiredCount;
  const peak = Math.max(steady * service.Properties.DeploymentConfiguration.MaximumPercent / 100, steady + 1);
  expect(peak * 2 * pool + RESERVED_CONNECTIONS).toBeLessThanOrEqual(maxConnections);
  // The pool is the largest that fits, unless Hasura's own default of 50 is smaller.
  expect(pool).toBe(Math.min(poolShare(spec), 50));
}

/** Secrets each container gets from the platform, before the user's own. */
export const PLATFORM_SECRETS = {
  hasura: ['HASURA_GRAPHQL_ADMIN_SECRET', 'HASURA_GRAPHQL_JWT_SECRET', 'HASURA_WEBHOOK_SECRET', 'PLATFORM_DB_PASSWORD', 'PLATFORM_DB_USER'],
  // Least privilege: no admin secret, no JWT signing key unless asked for by name; the webhook secret,
  // which only proves that a call comes from Hasura.
  nextjs: ['HASURA_WEBHOOK_SECRET', 'NEXTAUTH_SECRET'],
};

/** True when `value` is, or points at, a Secrets Manager secret. */
export function isSecretReference(resources: Resources, value: unknown): boolean {
  return JSON.stringify(value).includes(':secretsmanager:')
    || referencedIds(value).some((id) => resources[id]?.Type === 'AWS::SecretsManager::Secret');
}

export function checkTasks(spec: Spec, template: Template, resources: Resources): void {
  for (const name of ['hasura', 'nextjs'] as const) {
    const options = spec[name];
    const { service, taskDefinition } = serviceRunning(resources, name);
    const network = service.Properties.NetworkConfiguration.AwsvpcConfiguration;
    expect(network.AssignPublicIp).toBe('DISABLED');
    expectPrivateSubnets(resources, network.Subnets, zoneCount(spec));
    expect(service.Properties.DesiredCount).toBe(options.autoScaling ? undefined : options.desiredCount ?? 2);
    expect(taskDefinition.Properties.RuntimePlatform.CpuArchitecture).toBe(isArm64(options) ? 'ARM64' : 'X86_64');
    const scaling = ofType(resources, 'AWS::ApplicationAutoScaling::ScalableTarget')
      .filter(([, target]) => JSON.stringify(target.Properties.ResourceId).includes(serviceRunning(resources, name).serviceId));
    expect(scaling.map(([, target]) => [target.Properties.MinCapacity, target.Properties.MaxCapacity]))
      .toEqual(options.autoScaling ? [[options.autoScaling.minTasks, options.autoScaling.maxTasks]] : []);
    expect([taskDefinition.Properties.Cpu, taskDefinition.Properties.Memory])
      .toEqual([String(options.cpu ?? 512), String(options.memoryLimitMiB ?? 1024)]);

    const container = containerNamed(template, name);
    // The Service Connect proxy that ECS adds to the task keeps the 64 MiB AWS recommends for it.
    expect(container.Memory).toBe((options.memoryLimitMiB ?? 1024) - 64);
    const environment = environmentOf(container);
    expect(Object.keys(environment).filter((variable) => /SECRET|PASSWORD|TOKEN|JWT|DATABASE_URL/i.test(variable))).toEqual([]);
    expect(Object.entries(environment).filter(([, value]) => isSecretReference(resources, value))).toEqual([]);
    expect(environment).toMatchObject(options.environment ?? {});

    expect(secretNamesOf(container)).toEqual([...PLATFORM_SECRETS[name], ...options.secretNames ?? []].sort());
    const notFromSecretsManager = container.Secrets.filter((secret: any) => !isSecretReference(resources, secret.ValueFrom));
    expect(notFromSecretsManager).toEqual([]);
  }
}

export function checkSecurityGroups(spec: Spec, template: Template, resources: Resources): void {
  const [, loadBalancer] = only(resources, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
  const [, database] = only(resources, 'AWS::RDS::DBInstance');
  const groupOf = (groups: unknown[]) => {
    expect(groups).toHaveLength(1);
    return groups[0];
  };
  const loadBalancerGroup = groupOf(loadBalancer.Properties.SecurityGroups);
  const taskGroup = (name: string) =>
    groupOf(serviceRunning(resources, name).service.Properties.NetworkConfiguration.AwsvpcConfiguration.SecurityGroups);
  const hasuraGroup = taskGroup('hasura');
  const nextjsGroup = taskGroup('nextjs');
  const databaseGroup = groupOf(database.Properties.VPCSecurityGroups);

  const rules = ingressRules(template);
  const into = (group: unknown) => rules
    .filter((rule) => JSON.stringify(rule.groupId) === JSON.stringify(group))
    .map(({ fromPort, toPort, cidr, sourceGroupId }) => ({ fromPort, toPort, cidr, sourceGroupId }))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  const fromGroup = (port: number, sourceGroupId: unknown) => ({ fromPort: port, toPort: port, cidr: undefined, sourceGroupId });
  const fromCidr = (port: number, cidr: string) => ({ fromPort: port, toPort: port, cidr, sourceGroupId: undefined });

  expect(into(hasuraGroup)).toEqual([fromGroup(8080, loadBalancerGroup), fromGroup(8080, nextjsGroup)]
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))));
  const nextjsPort = spec.nextjs.containerPort ?? 3000;
  expect(into(nextjsGroup)).toEqual([fromGroup(nextjsPort, loadBalancerGroup), fromGroup(nextjsPort, hasuraGroup)]
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))));
  // The database admits the Hasura tasks and the handler that keeps Hasura's database role in step; that handler admits nothing.
  const roleHandlers = Object.values(resources).filter((r: any) => r.Properties?.Environment?.Variables?.DATABASE_ROLE_SETTINGS);
  expect(roleHandlers).toHaveLength(1);
  const roleHandlerGroup = groupOf((roleHandlers[0] as any).Properties.VpcConfig.SecurityGroupIds);
  expect(into(databaseGroup)).toEqual([fromGroup(5432, hasuraGroup), fromGroup(5432, roleHandlerGroup)]
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))));
  expect(into(roleHandlerGroup)).toEqual([]);
  const expectedPublic = [
    fromCidr(80, '0.0.0.0/0'),
    ...(spec.domain ? [fromCidr(443, '0.0.0.0/0')] : []),
    ...(spec.hasura.console?.allowedCidrs ?? []).map((cidr) => fromCidr(8080, cidr)),
  ].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  expect(into(loadBalancerGroup)).toEqual(expectedPublic);

  // Wherever it is, a rule that opens 8080 to every address exists only after the explicit opt-in.
  const coversConsolePort = (rule: { fromPort: unknown; toPort: unknown }) =>
    rule.fromPort === undefined || rule.fromPort === -1 || (Number(rule.fromPort) <= 8080 && 8080 <= Number(rule.toPort));
  const anywhereOnConsolePort = rules.filter((rule) => ['0.0.0.0/0', '::/0'].includes(rule.cidr ?? '') && coversConsolePort(rule));
  if (anywhereOnConsolePort.length > 0) {
    expect(spec.hasura.console?.insecureAllowAnyIpv4).toBe(true);
  }
}

/** Types whose resources hold data or pin resources that do. */
export const STATEFUL_TYPES = [
  'AWS::RDS::DBInstance', 'AWS::RDS::DBSubnetGroup', 'AWS::SecretsManager::Secret', 'AWS::EC2::VPC',
  'AWS::EC2::Subnet', 'AWS::Logs::LogGroup', 'AWS::S3::Bucket', 'AWS::KMS::Key',
];

/** `<type> <logicalId>` of every stateful resource of the platform. */
export function statefulResources(resources: Resources): string[] {
  return Object.entries(resources)
    .filter(([id, resource]) => id.startsWith('Platform') && STATEFUL_TYPES.includes(resource.Type))
    .map(([id, resource]) => `${resource.Type} ${id}`)
    .sort();
}

/** Subnets of the third to sixth zone, which a two-zone baseline does not have. */
export const EXTRA_ZONE_SUBNET = /^AWS::EC2::Subnet PlatformNetworkVpcP(ublic|rivate)Subnet[3-6]Subnet/;

/** Baseline resources that `spec` leaves out on purpose. */
export function omittedOnPurpose(spec: Spec): RegExp[] {
  return [
    ...(spec.existingVpc ? [/^AWS::EC2::(VPC|Subnet) /, /FlowLogGroup/] : []),
    ...(spec.network?.flowLogs === false ? [/FlowLogGroup/] : []),
    ...(spec.loadBalancer.accessLogs === false ? [/AccessLogs/] : []),
  ];
}

export function checkStatefulIds(spec: Spec, resources: Resources, baseline: string[]): void {
  const now = statefulResources(resources);
  const added = now.filter((entry) => !baseline.includes(entry));
  const removed = baseline.filter((entry) => !now.includes(entry));
  expect(added.filter((entry) => !EXTRA_ZONE_SUBNET.test(entry))).toEqual([]);
  expect(added).toHaveLength(spec.existingVpc ? 0 : 2 * (zoneCount(spec) - 2));
  const omitted = omittedOnPurpose(spec);
  expect(removed).toEqual(baseline.filter((entry) => omitted.some((pattern) => pattern.test(entry))));
}

// ---------------------------------------------------------------------------------------------
// Invalid props: one valid spec, one bad value

/** Text that is not an IPv4 network address with a prefix from `minPrefix` to `maxPrefix`. */
export function badCidr(minPrefix: number, maxPrefix: number): fc.Arbitrary<string> {
  const octet = fc.integer({ min: 0, max: 255 });
  return fc.oneof(
    fc.tuple(fc.integer({ min: 256, max: 999 }), octet).map(([a, b]) => `${a}.${b}.0.0/16`),
    fc.tuple(octet, octet, octet).map(([a, b, c]) => `${a}.${b}.${c}/16`),
    fc.tuple(octet, octet, octet, octet).map((octets) => octets.join('.')),
    privateBlock(16, 28).chain((block) => fc.integer({ min: 1, max: blockSize(block) - 1 })
      .map((offset) => cidrOf({ first: block.first + offset, prefix: block.prefix }))),
    fc.stringMatching(/^[a-z]{1,12}$/),
    fc.integer({ min: maxPrefix + 1, max: 99 }).map((prefix) => `10.0.0.0/${prefix}`),
    ...(minPrefix > 0 ? [fc.integer({ min: 0, max: minPrefix - 1 }).map((prefix) => `0.0.0.0/${prefix}`)] : []),
  );
}

/** A whole number outside `[min, max]`, or a fraction inside it. */
export function outside(min: number, max: number): fc.Arbitrary<number> {
  return fc.oneof(
    fc.integer({ min: min - 1000, max: min - 1 }),
    fc.integer({ min: max + 1, max: max + 1000 }),
    fc.integer({ min, max: max - 1 }).map((whole) => whole + 0.5),
  );
}

export interface Mutation {
  readonly kind: string;
  /** A copy of `spec` with one bad value, and the prop the error must name. */
  readonly spoil: (spec: Spec) => fc.Arbitrary<{ spec: Spec; prop: string }>;
}

export const spoiled = (prop: string, spec: Spec) => ({ spec, prop });

/** The spec with its own network (no existing VPC), changed by `changes`. */
export function withNetwork(spec: Spec, changes: PlatformNetworkOptions): Spec {
  return { ...spec, existingVpc: undefined, network: { ...(spec.existingVpc ? {} : spec.network), ...changes } };
}

/** The spec's network with every subnet CIDR spelled out, and its VPC block. */
export function explicitLayout(spec: Spec): { spec: Spec; vpc: Block; publicSubnetCidrs: string[]; privateSubnetCidrs: string[] } {
  const base = withNetwork(spec, {});
  const vpc = blockOf(base.network!.vpcCidr ?? cidrOf(DEFAULT_VPC));
  const subnets = base.network!.publicSubnetCidrs && base.network!.privateSubnetCidrs
    ? { publicSubnetCidrs: base.network!.publicSubnetCidrs, privateSubnetCidrs: base.network!.privateSubnetCidrs }
    : defaultSubnets(vpc, zoneCount(base));
  return { spec: withNetwork(base, subnets), vpc, ...subnets };
}

/** Replaces the subnet CIDR at `index` of one of the lists; `group` picks public or private. */
export function replaceSubnet(spec: Spec, group: 'publicSubnetCidrs' | 'privateSubnetCidrs', index: number, cidr: string): Spec {
  const cidrs = [...spec.network![group]!];
  cidrs[index] = cidr;
  return withNetwork(spec, { [group]: cidrs });
}

export const SUBNET_LISTS = ['publicSubnetCidrs', 'privateSubnetCidrs'] as const;

export const networkMutations: Mutation[] = [
  {
    kind: 'more NAT gateways than zones',
    spoil: (spec) => fc.integer({ min: 1, max: 3 })
      .map((extra) => spoiled('network.natGateways', withNetwork(spec, { natGateways: zoneCount(withNetwork(spec, {})) + extra }))),
  },
  {
    kind: 'NAT gateway count not a positive whole number',
    spoil: (spec) => fc.oneof(fc.integer({ min: -5, max: 0 }), fc.constantFrom(1.5, 2.5))
      .map((natGateways) => spoiled('network.natGateways', withNetwork(spec, { natGateways }))),
  },
  {
    kind: 'malformed VPC CIDR',
    spoil: (spec) => badCidr(16, 28).map((vpcCidr) => spoiled('network.vpcCidr', withNetwork(spec, { vpcCidr }))),
  },
  {
    kind: 'maxAzs below 2 or beyond the known zones',
    spoil: (spec) => fc.oneof(fc.integer({ min: -2, max: 1 }), fc.integer({ min: 5, max: 12 }))
      .map((maxAzs) => spoiled('network.maxAzs', withNetwork(spec, { maxAzs, availabilityZones: undefined }))),
  },
  {
    kind: 'maxAzs together with availabilityZones',
    spoil: (spec) => fc.tuple(fc.integer({ min: 2, max: 4 }), fc.shuffledSubarray(TEST_AZS, { minLength: 2 }))
      .map(([maxAzs, availabilityZones]) => spoiled('network.maxAzs', withNetwork(spec, { maxAzs, availabilityZones }))),
  },
  {
    kind: 'availabilityZones: one, repeated or more than six',
    spoil: (spec) => fc.oneof(
      fc.constantFrom(...TEST_AZS).map((zone) => [zone]),
      fc.constantFrom(...TEST_AZS).chain((zone) => fc.shuffledSubarray(TEST_AZS, { minLength: 1 }).map((others) => [zone, ...others, zone])),
      fc.constant<string[]>([...TEST_AZS, 'us-east-1e', 'us-east-1f', 'us-east-1g']),
    ).map((availabilityZones) => spoiled('network.availabilityZones', withNetwork(spec, { availabilityZones, maxAzs: undefined }))),
  },
  {
    kind: 'subnet CIDR outside the VPC',
    spoil: (spec) => {
      const layout = explicitLayout(spec);
      const elsewhere = PRIVATE_RANGES.find((range) => layout.vpc.first < range.first || layout.vpc.first > range.first + blockSize(range) - 1)!;
      return fc.tuple(fc.constantFrom(...SUBNET_LISTS), fc.nat(zoneCount(layout.spec) - 1), fc.integer({ min: 16, max: 28 }))
        .chain(([group, index, prefix]) => blockIn(elsewhere, prefix)
          .map((block) => spoiled(`network.${group}`, replaceSubnet(layout.spec, group, index, cidrOf(block)))));
    },
  },
  {
    kind: 'overlapping subnets',
    spoil: (spec) => {
      const layout = explicitLayout(spec);
      const azCount = zoneCount(layout.spec);
      return fc.tuple(fc.nat(azCount - 1), fc.nat(azCount - 1), fc.integer({ min: -2, max: 2 })).chain(([from, to, resize]) => {
        const target = blockOf(layout.publicSubnetCidrs[from]);
        const prefix = Math.min(28, Math.max(layout.vpc.prefix, target.prefix + resize));
        // The block of `prefix` that holds the target's first address: equal to, inside or around it.
        const first = Math.floor(target.first / 2 ** (32 - prefix)) * 2 ** (32 - prefix);
        return fc.constant(spoiled('network.publicSubnetCidrs/privateSubnetCidrs',
          replaceSubnet(layout.spec, 'privateSubnetCidrs', to, cidrOf({ first, prefix }))));
      });
    },
  },
  {
    kind: 'one subnet CIDR too few or too many',
    spoil: (spec) => {
      const layout = explicitLayout(spec);
      return fc.tuple(fc.constantFrom(...SUBNET_LISTS), fc.boolean()).map(([group, drop]) => {
        const cidrs = layout[group];
        const wrongLength = drop ? cidrs.slice(1) : [...cidrs, cidrs[0]];
        return spoiled(`network.${group}`, withNetwork(layout.spec, { [group]: wrongLength }));
      });
    },
  },
  {
    kind: 'malformed subnet CIDR',
    spoil: (spec) => {
      const layout = explicitLayout(spec);
      return fc.tuple(fc.constantFrom(...SUBNET_LISTS), fc.nat(zoneCount(layout.spec) - 1), badCidr(16, 28))
        .map(([group, index, cidr]) => spoiled(`network.${group}`, replaceSubnet(layout.spec, group, index, cidr)));
    },
  },
  {
    kind: 'an existing VPC together with network options',
    spoil: (spec) => existingVpcArb.map((existingVpc) => spoiled('network', { ...spec, existingVpc, network: spec.network ?? {} })),
  },
];

export const SECRET_WORDS = ['SECRET', 'PASSWORD', 'PASSWD', 'TOKEN', 'JWT', 'DATABASE_URL', 'PRIVATE_KEY', 'API_KEY', 'ACCESS_KEY'];
export const VARIABLES_THE_PLATFORM_SETS = {
  hasura: ['HASURA_GRAPHQL_ENABLE_CONSOLE', 'HASURA_GRAPHQL_DEV_MODE', 'HASURA_GRAPHQL_ENABLED_APIS',
    'HASURA_GRAPHQL_CORS_DOMAIN', 'HASURA_GRAPHQL_SERVER_PORT', 'HASURA_GRAPHQL_UNAUTHORIZED_ROLE', 'PLATFORM_DB_HOST',
    'PLATFORM_DB_NAME', 'PLATFORM_DB_SSLMODE'],
  nextjs: ['PORT', 'HOSTNAME', 'NODE_ENV', 'NEXTAUTH_URL', 'NEXT_PUBLIC_HASURA_GRAPHQL_URL'],
};

export function serviceMutations(name: 'hasura' | 'nextjs'): Mutation[] {
  const withService = (spec: Spec, changes: Partial<HasuraSpec & NextjsSpec>): Spec => ({ ...spec, [name]: { ...spec[name], ...changes } });
  const sizes = new Map<number, number[]>();
  FARGATE_SIZES.forEach(({ cpu, memoryLimitMiB }) => sizes.set(cpu, [...sizes.get(cpu) ?? [], memoryLimitMiB]));
  return [
    {
      kind: `${name}: CPU units Fargate does not offer`,
      spoil: (spec) => fc.integer({ min: 0, max: 20000 }).filter((cpu) => !sizes.has(cpu))
        .map((cpu) => spoiled(`${name}.cpu`, withService(spec, { cpu }))),
    },
    {
      kind: `${name}: memory Fargate does not offer with the CPU`,
      spoil: (spec) => fc.constantFrom(...sizes.keys()).chain((cpu) => fc.integer({ min: 0, max: 130000 })
        .filter((memoryLimitMiB) => !sizes.get(cpu)!.includes(memoryLimitMiB))
        .map((memoryLimitMiB) => spoiled(`${name}.memoryLimitMiB`, withService(spec, { cpu, memoryLimitMiB })))),
    },
    {
      kind: `${name}: desired count beside autoscaling`,
      spoil: (spec) => fc.tuple(autoScalingArb, fc.integer({ min: 0, max: 10 })).map(([autoScaling, desiredCount]) =>
        spoiled(`${name}.desiredCount`, withService(spec, { autoScaling, desiredCount }))),
    },
    {
      kind: `${name}: autoscaling maximum below its minimum`,
      spoil: (spec) => fc.integer({ min: 2, max: 10 }).chain((minTasks) => fc.integer({ min: 1, max: minTasks - 1 })
        .map((maxTasks) => spoiled(`${name}.autoScaling.maxTasks`, withService(spec, { desiredCount: undefined, autoScaling: { minTasks, maxTasks } })))),
    },
    {
      kind: `${name}: desired count outside 0..1000`,
      spoil: (spec) => outside(0, 1000).map((desiredCount) => spoiled(`${name}.desiredCount`, withService(spec, { desiredCount }))),
    },
    {
      kind: `${name}: secret-like name in plain environment`,
      spoil: (spec) => fc.tuple(fc.stringMatching(/^([A-Z]{1,6}_)?$/), fc.constantFrom(...SECRET_WORDS),
        fc.stringMatching(/^(_[A-Z0-9]{1,6})?$/), fc.boolean(), fc.string())
        .map(([before, word, after, lower, value]) => {
          const variable = lower ? `${before}${word}${after}`.toLowerCase() : `${before}${word}${after}`;
          return spoiled(`${name}.environment`, withService(spec, { environment: { ...spec[name].environment, [variable]: value } }));
        }),
    },
    {
      kind: `${name}: environment variable the platform sets`,
      spoil: (spec) => fc.tuple(fc.constantFrom(...VARIABLES_THE_PLATFORM_SETS[name]), fc.string()).map(([variable, value]) =>
        spoiled(`${name}.environment`, withService(spec, { environment: { ...spec[name].environment, [variable]: value } }))),
    },
    {
      kind: `${name}: secret the platform sets`,
      spoil: (spec) => fc.constantFrom(...PLATFORM_SECRETS[name]).map((secret) =>
        spoiled(`${name}.secrets`, withService(spec, { secretNames: [...spec[name].secretNames ?? [], secret] }))),
    },
  ];
}

/** The spec with the console set as given, and the metadata API it needs where APIs are listed. */
export function withConsole(spec: Spec, console: NonNullable<HasuraOptions['console']>): Spec {
  const enabledApis = spec.hasura.enabledApis && [...new Set([...spec.hasura.enabledApis, HasuraApi.METADATA])];
  return { ...spec, hasura: { ...spec.hasura, console, enabledApis } };
}

export const hasuraMutations: Mutation[] = [
  {
    kind: 'console over plain HTTP without the opt-in',
    spoil: (spec) => consoleArb.map((console) => spoiled('hasura.console', withConsole(
      { ...spec, domain: undefined }, { ...console, insecureAllowPlainHttp: undefined }))),
  },
  {
    kind: 'Hasura pool larger than the connection budget allows',
    spoil: (spec) => fc.integer({ min: 1, max: 100 }).map((over) =>
      spoiled('hasura.connectionPoolSize', { ...spec, hasura: { ...spec.hasura, connectionPoolSize: Math.max(poolShare(spec), 1) + over } })),
  },
  {
    kind: 'more Hasura tasks than the database has connections for',
    spoil: (spec) => fc.integer({ min: 0, max: 20 }).map((extra) => {
      const tooMany = Math.min(Math.floor((maxConnectionsOf(spec) - RESERVED_CONNECTIONS) / 8) + 1 + extra, 1000);
      return spoiled('hasura.desiredCount', { ...spec, hasura: { ...spec.hasura, autoScaling: undefined, connectionPoolSize: undefined, desiredCount: tooMany } });
    }),
  },
  {
    kind: 'console open to 0.0.0.0/0 without the opt-in',
    spoil: (spec) => fc.tuple(fc.shuffledSubarray([...spec.hasura.console?.allowedCidrs ?? [], '0.0.0.0/0'], { minLength: 1 })
      .filter((cidrs) => cidrs.includes('0.0.0.0/0')), fc.constantFrom(false, undefined))
      .map(([allowedCidrs, insecureAllowAnyIpv4]) =>
        spoiled('hasura.console.allowedCidrs', withConsole(spec, { allowedCidrs, insecureAllowAnyIpv4 }))),
  },
  {
    kind: 'console without a CIDR',
    spoil: (spec) => fc.constant(spoiled('hasura.console.allowedCidrs', withConsole(spec, { allowedCidrs: [] }))),
  },
  {
    kind: 'console CIDR malformed',
    spoil: (spec) => badCidr(0, 32).map((cidr) => spoiled('hasura.console.allowedCidrs', withConsole(spec, { allowedCidrs: [cidr] }))),
  },
  {
    kind: 'enabled APIs without GraphQL',
    spoil: (spec) => fc.subarray(OPTIONAL_APIS).map((enabledApis) =>
      spoiled('hasura.enabledApis', { ...spec, hasura: { ...spec.hasura, enabledApis } })),
  },
  {
    kind: 'unauthorized role with characters outside [A-Za-z0-9_-] or too long',
    spoil: (spec) => fc.oneof(
      fc.constant(''),
      fc.tuple(fc.stringMatching(/^[a-z]{1,8}$/), fc.constantFrom(' ', '/', '.', ':', '*')).map(([role, bad]) => `${role}${bad}x`),
      fc.stringMatching(/^[a-z]{65,80}$/),
    ).map((unauthorizedRole) => spoiled('hasura.unauthorizedRole', { ...spec, hasura: { ...spec.hasura, unauthorizedRole } })),
  },
];

export const withNextjs = (spec: Spec, changes: NextjsSpec): Spec => ({ ...spec, nextjs: { ...spec.nextjs, ...changes } });

export const nextjsMutations: Mutation[] = [
  {
    kind: 'Fargate Spot for ARM64 tasks',
    spoil: (spec) => fc.constant(spoiled('nextjs.fargateSpot', withNextjs(spec, { fargateSpot: true, cpuArchitecture: ecs.CpuArchitecture.ARM64 }))),
  },
  {
    kind: 'Next.js port outside 1024..65535',
    spoil: (spec) => outside(1024, 65535).map((containerPort) => spoiled('nextjs.containerPort', withNextjs(spec, { containerPort }))),
  },
  {
    kind: 'health check path without a leading slash, or with a space',
    spoil: (spec) => fc.oneof(
      fc.stringMatching(/^[a-z]{1,10}(\/[a-z]{1,10})?$/),
      fc.stringMatching(/^\/[a-z]{1,10}$/).map((path) => `${path} now`),
    ).map((healthCheckPath) => spoiled('nextjs.healthCheckPath', withNextjs(spec, { healthCheckPath }))),
  },
];

export const withDatabase = (spec: Spec, changes: DatabaseSpec): Spec => ({ ...spec, database: { ...spec.database, ...changes } });

export const databaseMutations: Mutation[] = [
  {
    kind: 'max_connections outside 10..5000',
    spoil: (spec) => outside(10, 5000).map((maxConnections) => spoiled('database.maxConnections', withDatabase(spec, { maxConnections }))),
  },
  {
    kind: 'allocated storage outside 20..65536 GiB',
    spoil: (spec) => outside(20, 65536).map((allocatedStorageGiB) =>
      spoiled('database.allocatedStorageGiB', withDatabase(spec, { allocatedStorageGiB }))),
  },
  {
    kind: 'storage limit not above the allocated storage',
    spoil: (spec) => fc.integer({ min: 20, max: 65536 }).chain((allocatedStorageGiB) => fc.integer({ min: 1, max: allocatedStorageGiB })
      .map((maxAllocatedStorageGiB) =>
        spoiled('database.maxAllocatedStorageGiB', withDatabase(spec, { allocatedStorageGiB, maxAllocatedStorageGiB })))),
  },
  {
    kind: 'backup retention outside 1..35 whole days',
    spoil: (spec) => fc.oneof(
      fc.constant(0),
      fc.integer({ min: 36, max: 400 }).map((days) => days * 24),
      fc.integer({ min: 1, max: 35 * 24 }).filter((hours) => hours % 24 !== 0),
    ).map((backupRetentionHours) => spoiled('database.backupRetention', withDatabase(spec, { backupRetentionHours }))),
  },
  {
    kind: 'backup window not hh24:mi-hh24:mi',
    spoil: (spec) => {
      const two = (n: number) => String(n).padStart(2, '0');
      return fc.oneof(
        fc.tuple(fc.integer({ min: 24, max: 99 }), fc.integer({ min: 0, max: 59 })).map(([h, m]) => `${two(h)}:${two(m)}-03:00`),
        fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 60, max: 99 })).map(([h, m]) => `03:00-${two(h)}:${two(m)}`),
        fc.tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 9 })).map(([h1, h2]) => `${h1}:00-${h2}:30`),
        backupWindowArb.map((window) => window.replace('-', ' to ')),
        maintenanceWindowArb,
      ).map((preferredBackupWindow) => spoiled('database.preferredBackupWindow', withDatabase(spec, { preferredBackupWindow })));
    },
  },
  {
    kind: 'maintenance window not ddd:hh24:mi-ddd:hh24:mi',
    spoil: (spec) => fc.oneof(
      backupWindowArb,
      fc.tuple(fc.constantFrom('monday', 'xyz', 'Mon', 'mo'), backupWindowArb).map(([day, window]) => window.split('-').map((t) => `${day}:${t}`).join('-')),
      maintenanceWindowArb.map((window) => window.replace(/:\d\d-/, ':60-')),
    ).map((preferredMaintenanceWindow) => spoiled('database.preferredMaintenanceWindow', withDatabase(spec, { preferredMaintenanceWindow }))),
  },
  {
    kind: 'backup window shorter than 30 minutes or overlapping the maintenance window',
    spoil: (spec) => fc.oneof(
      fc.tuple(fc.integer({ min: 0, max: 1380 }), fc.integer({ min: 1, max: 29 }))
        .map(([start, length]) => ({ preferredBackupWindow: `${hhmm(start)}-${hhmm(start + length)}` })),
      fc.tuple(backupWindowArb, maintenanceWindowArb).filter(([backup, maintenance]) => windowsOverlap(backup, maintenance))
        .map(([preferredBackupWindow, preferredMaintenanceWindow]) => ({ preferredBackupWindow, preferredMaintenanceWindow })),
    ).map((windows) => spoiled('database.preferredBackupWindow', withDatabase(spec, windows))),
  },
  {
    kind: 'instance type with the db. prefix, or a class or size RDS does not offer',
    spoil: (spec) => fc.oneof(
      fc.constantFrom(...INSTANCE_CLASSES).map((instanceClass) => `db.${instanceClass}`),
      fc.constantFrom('t3.nano', 't4g.nano', 'm5.metal', 'q9.large', 't3.huge', 'large', 't3-micro'),
    ).map((instanceClass) => spoiled('database.instanceType', withDatabase(spec, { instanceClass }))),
  },
  {
    kind: 'database name not an identifier',
    spoil: (spec) => fc.oneof(
      fc.stringMatching(/^[0-9_][a-z0-9_]{0,10}$/),
      fc.tuple(fc.stringMatching(/^[a-z]{1,8}$/), fc.constantFrom('-', ' ', '.', '$')).map(([name, bad]) => `${name}${bad}db`),
      fc.stringMatching(/^[a-z]{64,70}$/),
    ).map((databaseName) => spoiled('database.databaseName', withDatabase(spec, { databaseName }))),
  },
  {
    kind: 'DESTROY while deletion protection is on',
    spoil: (spec) => fc.constantFrom(true, undefined).map((deletionProtection) =>
      spoiled('database.removalPolicy', withDatabase(spec, { deletionProtection, removalPolicy: RemovalPolicy.DESTROY }))),
  },
];

export const withLoadBalancer = (spec: Spec, changes: LoadBalancerSpec): Spec => ({ ...spec, loadBalancer: { ...spec.loadBalancer, ...changes } });

export const loadBalancerMutations: Mutation[] = [
  {
    kind: 'deregistration delay over an hour or not whole seconds',
    spoil: (spec) => fc.oneof(
      fc.integer({ min: 3601, max: 100000 }).map((seconds) => seconds * 1000),
      fc.integer({ min: 1, max: 3_600_000 }).filter((millis) => millis % 1000 !== 0),
    ).map((deregistrationDelayMillis) => spoiled('loadBalancer.deregistrationDelay', withLoadBalancer(spec, { deregistrationDelayMillis }))),
  },
  {
    kind: 'access log retention outside 1..3650 days',
    spoil: (spec) => outside(1, 3650).map((accessLogRetentionDays) => spoiled('loadBalancer.accessLogRetentionDays',
      withLoadBalancer(spec, { accessLogs: undefined, accessLogRetentionDays }))),
  },
  {
    kind: 'access log retention with access logs off',
    spoil: (spec) => fc.integer({ min: 1, max: 3650 }).map((accessLogRetentionDays) => spoiled('loadBalancer.accessLogRetentionDays',
      withLoadBalancer(spec, { accessLogs: false, accessLogRetentionDays }))),
  },
  {
    kind: 'web ACL ARN that is not a regional WAFv2 web ACL',
    spoil: (spec) => webAclArnArb.chain((arn) => fc.constantFrom(
      arn.replace(':regional/', ':global/'),
      arn.replace(':wafv2:', ':waf-regional:'),
      arn.replace(/:\d{12}:/, ':12345:'),
      arn.replace(/\/[^/]+$/, ''),
    )).map((webAclArn) => spoiled('loadBalancer.webAclArn', withLoadBalancer(spec, { webAclArn }))),
  },
];

export const otherMutations: Mutation[] = [
  {
    kind: 'domain outside its hosted zone',
    spoil: (spec) => fc.tuple(zoneNameArb, label, label).map(([zoneName, host, otherZone]) =>
      spoiled('domain.domainName', { ...spec, domain: { zoneName, domainName: `${host}.${otherZone}.example` } })),
  },
  {
    kind: 'domain name that is not a lower-case host name',
    spoil: (spec) => fc.tuple(zoneNameArb, label).chain(([zoneName, host]) => fc.constantFrom(
      `${host}_x.${zoneName}`, `${host}X.${zoneName}`, `${host} ${zoneName}`, `-${host}.${zoneName}`, `${zoneName}.`, `${host}..${zoneName}`,
    ).map((domainName) => spoiled('domain.domainName', { ...spec, domain: { zoneName, domainName } }))),
  },
  {
    kind: 'platform name not 1-32 lower-case letters, digits and inner hyphens',
    spoil: (spec) => fc.oneof(
      fc.constant(''),
      fc.stringMatching(/^[a-z0-9]{1,10}$/).chain((name) => fc.constantFrom(`${name}X`, `-${name}`, `${name}-`, `${name}_x`, `${name}.x`)),
      fc.stringMatching(/^[a-z0-9]{33,40}$/),
    ).map((platformName) => spoiled('platformName', { ...spec, platformName })),
  },
];

export const MUTATIONS: Mutation[] = [
  ...networkMutations, ...serviceMutations('hasura'), ...serviceMutations('nextjs'), ...hasuraMutations,
  ...nextjsMutations, ...databaseMutations, ...loadBalancerMutations, ...otherMutations,
];

export const invalidCaseArb = fc.tuple(validSpecArb, fc.constantFrom(...MUTATIONS))
  .chain(([spec, mutation]) => mutation.spoil(spec).map((bad) => ({ kind: mutation.kind, ...bad })));

// ---------------------------------------------------------------------------------------------


/** Counts how often each feature occurred; every one must occur for the run to mean something. */
export function tally(counts: Map<string, number>, features: { [feature: string]: boolean }): void {
  for (const [feature, present] of Object.entries(features)) {
    counts.set(feature, (counts.get(feature) ?? 0) + (present ? 1 : 0));
  }
}

export const never = (counts: Map<string, number>) => [...counts].filter(([, count]) => count === 0).map(([feature]) => feature);


// ---------------------------------------------------------------------------------------------
// The edge: CDN and web ACL options. A valid set synthesizes an internal load balancer that only
// CloudFront reaches and a web ACL that enforces (or counts) with the limit asked for; a set with
// one bad value fails up front naming the prop.

export interface EdgeSpec {
  readonly cdn?: { accessLogs?: boolean; accessLogRetentionDays?: number; originReadTimeoutSeconds?: number };
  readonly webAcl?: { rateLimitPerIp?: number; countOnly?: boolean };
}

export const edgeSpecArb: fc.Arbitrary<EdgeSpec> = fc.record({
  cdn: fc.option(fc.oneof(
    fc.record({ accessLogRetentionDays: fc.integer({ min: 1, max: 3650 }), originReadTimeoutSeconds: fc.integer({ min: 1, max: 120 }) },
      { requiredKeys: [] }),
    fc.constant({ accessLogs: false }),
  ), { nil: undefined }),
  webAcl: fc.option(fc.record({ rateLimitPerIp: fc.integer({ min: 10, max: 2_000_000_000 }), countOnly: fc.boolean() },
    { requiredKeys: [] }), { nil: undefined }),
}, { requiredKeys: [] });

export function edgeProps(stack: Stack, spec: EdgeSpec): HasuraNextjsPlatformProps {
  const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'EdgeZone', { hostedZoneId: 'Z0EDGE', zoneName: 'example.com' });
  return minimalProps({
    domain: { domainName: 'www.example.com', hostedZone },
    cdn: spec.cdn && { ...spec.cdn, originFacingPrefixList: ec2.PrefixList.fromPrefixListId(stack, 'OriginFacing', 'pl-3b927c52') },
    webAcl: spec.webAcl,
  });
}

export interface EdgeMutation {
  readonly kind: string;
  readonly prop: string;
  readonly spoil: (spec: EdgeSpec) => EdgeSpec;
}

export const EDGE_MUTATIONS: EdgeMutation[] = [
  { kind: 'rate limit below 10', prop: 'webAcl.rateLimitPerIp', spoil: (s) => ({ ...s, webAcl: { ...s.webAcl, rateLimitPerIp: 9 } }) },
  { kind: 'rate limit not whole', prop: 'webAcl.rateLimitPerIp', spoil: (s) => ({ ...s, webAcl: { ...s.webAcl, rateLimitPerIp: 100.5 } }) },
  { kind: 'CDN read timeout over 120 s', prop: 'cdn.originReadTimeoutSeconds', spoil: (s) => ({ ...s, cdn: { originReadTimeoutSeconds: 121 } }) },
  { kind: 'CDN log retention 0 days', prop: 'cdn.accessLogRetentionDays', spoil: (s) => ({ ...s, cdn: { accessLogRetentionDays: 0 } }) },
  { kind: 'CDN log retention with logs off', prop: 'cdn.accessLogRetentionDays', spoil: (s) => ({ ...s, cdn: { accessLogs: false, accessLogRetentionDays: 30 } }) },
];
