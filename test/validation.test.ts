// Every invalid prop fails at synth time, before anything is created, with an error that names the
// prop, shows the value and says what is allowed.
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { HasuraApi, HasuraNextjsPlatform, HasuraNextjsPlatformProps } from '../src';
import { minimalProps, NEXTJS_IMAGE, testStack } from './util';

type Case = [string, (stack: Stack) => Partial<HasuraNextjsPlatformProps>, RegExp];

const image = NEXTJS_IMAGE;
const zone = (stack: Stack) => route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
  hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com',
});

const cases: Case[] = [
  // network
  ['more NAT gateways than AZs', () => ({ network: { natGateways: 3 } }),
    /Invalid network\.natGateways: 3\. Use a whole number from 1 to 2\./],
  ['no NAT gateway', () => ({ network: { natGateways: 0 } }), /Invalid network\.natGateways: 0\./],
  ['a fractional NAT count', () => ({ network: { natGateways: 1.5 } }), /Invalid network\.natGateways: 1\.5\./],
  ['fewer than 2 AZs', () => ({ network: { maxAzs: 1 } }), /Invalid network\.maxAzs: 1\. Use a whole number from 2 to 6\./],
  ['more AZs than the region has', () => ({ network: { maxAzs: 5 } }),
    /Invalid network\.maxAzs: 5\. Stack Test knows only 4 Availability Zones/],
  ['a single exact AZ', () => ({ network: { availabilityZones: ['us-east-1a'] } }),
    /Invalid network\.availabilityZones: \["us-east-1a"\]\. List from 2 to 6 distinct zones/],
  ['duplicate exact AZs', () => ({ network: { availabilityZones: ['us-east-1a', 'us-east-1a'] } }),
    /Invalid network\.availabilityZones/],
  ['maxAzs together with availabilityZones', () => ({ network: { maxAzs: 2, availabilityZones: ['us-east-1a', 'us-east-1b'] } }),
    /Invalid network\.maxAzs: 2\. Set either network\.maxAzs or network\.availabilityZones, not both\./],
  ['a malformed VPC CIDR', () => ({ network: { vpcCidr: '10.0.0/16' } }),
    /Invalid network\.vpcCidr: "10\.0\.0\/16"\. Use an IPv4 network address in CIDR notation/],
  ['a VPC CIDR with host bits', () => ({ network: { vpcCidr: '10.0.0.1/16' } }), /Invalid network\.vpcCidr: "10\.0\.0\.1\/16"/],
  ['a VPC larger than /16', () => ({ network: { vpcCidr: '10.0.0.0/8' } }),
    /Invalid network\.vpcCidr: "10\.0\.0\.0\/8"\. The prefix length must be from \/16 to \/28\./],
  ['a VPC too small for the default layout', () => ({ network: { vpcCidr: '10.0.0.0/22' } }),
    /Invalid network\.privateSubnetCidrs: "default layout"\. The default layout needs 12 \/24 blocks but vpcCidr 10\.0\.0\.0\/22 has 4/],
  ['a subnet outside the VPC', () => ({ network: { publicSubnetCidrs: ['10.0.0.0/24', '10.1.1.0/24'] } }),
    /Invalid network\.publicSubnetCidrs: \["10\.0\.0\.0\/24", "10\.1\.1\.0\/24"\]\. 10\.1\.1\.0\/24 is outside the VPC range 10\.0\.0\.0\/16\./],
  ['one subnet CIDR for two AZs', () => ({ network: { privateSubnetCidrs: ['10.0.10.0/24'] } }),
    /Invalid network\.privateSubnetCidrs: \["10\.0\.10\.0\/24"\]\. List exactly one CIDR per Availability Zone \(2\)\./],
  ['overlapping subnets', () => ({ network: { privateSubnetCidrs: ['10.0.0.0/24', '10.0.11.0/24'] } }),
    /Invalid network\.publicSubnetCidrs\/privateSubnetCidrs: \["10\.0\.0\.0\/24", "10\.0\.0\.0\/24"\]\. Subnet CIDRs must not overlap\./],
  ['an existing VPC with network props', (stack) => ({ vpc: new ec2.Vpc(stack, 'Vpc'), network: { natGateways: 1 } }),
    /Invalid network: \["natGateways"\]\. An existing vpc cannot be reshaped: set either vpc or network, not both\./],

  // Fargate sizing
  ['an invalid Fargate CPU', () => ({ hasura: { cpu: 1000 } }),
    /Invalid hasura\.cpu: 1000\. Fargate task CPU units must be one of 256, 512, 1024, 2048, 4096, 8192, 16384\./],
  ['memory Fargate does not offer for the CPU', () => ({ hasura: { cpu: 256, memoryLimitMiB: 4096 } }),
    /Invalid hasura\.memoryLimitMiB: 4096\. With hasura\.cpu 256, Fargate accepts 512, 1024, 2048 MiB\./],
  ['1536 MiB at 256 CPU', () => ({ nextjs: { image, cpu: 256, memoryLimitMiB: 1536 } }), /Invalid nextjs\.memoryLimitMiB: 1536\./],
  ['memory off the step', () => ({ nextjs: { image, cpu: 8192, memoryLimitMiB: 18432 } }),
    /Invalid nextjs\.memoryLimitMiB: 18432\. With nextjs\.cpu 8192, Fargate accepts 16384 to 61440 in steps of 4096 MiB\./],
  ['a negative task count', () => ({ nextjs: { image, desiredCount: -1 } }), /Invalid nextjs\.desiredCount: -1\. Use a whole number from 0 to 1000\./],
  ['a privileged port for Next.js', () => ({ nextjs: { image, containerPort: 80 } }), /Invalid nextjs\.containerPort: 80\./],
  ['a health check path without a slash', () => ({ nextjs: { image, healthCheckPath: 'health' } }),
    /Invalid nextjs\.healthCheckPath: "health"\. Use a path that starts with "\/"/],

  // environment
  ['a secret in plain environment', () => ({ nextjs: { image, environment: { STRIPE_SECRET_KEY: 'sk_live_x' } } }),
    /Invalid nextjs\.environment: "STRIPE_SECRET_KEY"\. Names like this hold secrets, which never go into plain environment: pass it in nextjs\.secrets\./],
  ['a database URL in plain environment', () => ({ hasura: { environment: { HASURA_GRAPHQL_METADATA_DATABASE_URL: 'postgres://u:p@h/db' } } }),
    /Invalid hasura\.environment: "HASURA_GRAPHQL_METADATA_DATABASE_URL"/],
  ['overriding a variable the platform sets', () => ({ hasura: { environment: { HASURA_GRAPHQL_DEV_MODE: 'true' } } }),
    /Invalid hasura\.environment: "HASURA_GRAPHQL_DEV_MODE"\. The platform sets this variable itself; use its typed prop instead\./],
  ['overriding the public GraphQL URL', () => ({ nextjs: { image, environment: { NEXT_PUBLIC_HASURA_GRAPHQL_URL: 'http://x' } } }),
    /Invalid nextjs\.environment: "NEXT_PUBLIC_HASURA_GRAPHQL_URL"\. The platform sets this variable itself/],

  // Hasura
  ['a console open to the internet', () => ({ hasura: { console: { allowedCidrs: ['0.0.0.0/0'] } } }),
    /Invalid hasura\.console\.allowedCidrs: "0\.0\.0\.0\/0"\. This opens the console to the whole internet; .* set hasura\.console\.insecureAllowAnyIpv4 to true\./],
  ['a console with no CIDR', () => ({ hasura: { console: { allowedCidrs: [] } } }),
    /Invalid hasura\.console\.allowedCidrs: \[\]\. List at least one CIDR block/],
  ['a console CIDR that is not one', () => ({ hasura: { console: { allowedCidrs: ['office'] } } }),
    /Invalid hasura\.console\.allowedCidrs: "office"/],
  ['APIs without GraphQL', () => ({ hasura: { enabledApis: [HasuraApi.METADATA] } }),
    /Invalid hasura\.enabledApis: \["metadata"\]\. Include HasuraApi\.GRAPHQL/],
  ['a console without the metadata API', () => ({ hasura: { enabledApis: [HasuraApi.GRAPHQL], console: { allowedCidrs: ['10.1.0.0/16'] } } }),
    /Invalid hasura\.enabledApis: \["graphql"\]\. The console needs HasuraApi\.METADATA\./],
  ['an unauthorized role with spaces', () => ({ hasura: { unauthorizedRole: 'anonymous user' } }), /Invalid hasura\.unauthorizedRole: "anonymous user"/],

  // database
  ['max storage below allocated storage', () => ({ database: { allocatedStorageGiB: 100, maxAllocatedStorageGiB: 50 } }),
    /Invalid database\.maxAllocatedStorageGiB: 50\. It must be larger than database\.allocatedStorageGiB \(100\) for storage autoscaling\./],
  ['storage below the gp3 minimum', () => ({ database: { allocatedStorageGiB: 10 } }),
    /Invalid database\.allocatedStorageGiB: 10\. Use a whole number from 20 to 65536\./],
  ['backups kept 40 days', () => ({ database: { backupRetention: Duration.days(40) } }),
    /Invalid database\.backupRetention: "40 days"\. Use a whole number of days from 1 to 35\./],
  ['backups turned off', () => ({ database: { backupRetention: Duration.days(0) } }), /Invalid database\.backupRetention/],
  ['a malformed backup window', () => ({ database: { preferredBackupWindow: '3-4' } }),
    /Invalid database\.preferredBackupWindow: "3-4"\. Use "hh24:mi-hh24:mi" in UTC/],
  ['a malformed maintenance window', () => ({ database: { preferredMaintenanceWindow: 'monday 04:00' } }),
    /Invalid database\.preferredMaintenanceWindow: "monday 04:00"/],
  ['a database name with a hyphen', () => ({ database: { databaseName: 'hasura-blog' } }), /Invalid database\.databaseName: "hasura-blog"/],
  ['DESTROY with deletion protection', () => ({ database: { removalPolicy: RemovalPolicy.DESTROY } }),
    /Invalid database\.removalPolicy: "DESTROY"\. Deleting the database needs database\.deletionProtection set to false/],

  // load balancer, domain, name
  ['a deregistration delay over an hour', () => ({ loadBalancer: { deregistrationDelay: Duration.hours(2) } }),
    /Invalid loadBalancer\.deregistrationDelay: "2 hours"\. Use a whole number of seconds from 0 to 3600\./],
  ['log retention without logs', () => ({ loadBalancer: { accessLogs: false, accessLogRetentionDays: 30 } }),
    /Invalid loadBalancer\.accessLogRetentionDays: 30\. It has no effect with accessLogs off\./],
  ['a domain outside its zone', (stack) => ({ domain: { domainName: 'blog.example.org', hostedZone: zone(stack) } }),
    /Invalid domain\.domainName: "blog\.example\.org"\. It must be in the hosted zone example\.com\./],
  ['a domain that is not a name', (stack) => ({ domain: { domainName: 'Blog Example', hostedZone: zone(stack) } }),
    /Invalid domain\.domainName: "Blog Example"/],
  ['an upper-case platform name', () => ({ platformName: 'HasuraBlog' }),
    /Invalid platformName: "HasuraBlog"\. Use 1 to 32 lower-case letters, digits and hyphens/],
];

describe('invalid props fail at synth time with a clear error', () => {
  test.each(cases)('%s', (_name, propsFor, message) => {
    const stack = testStack();
    const props = { ...minimalProps(), ...propsFor(stack) };
    expect(() => new HasuraNextjsPlatform(stack, 'Platform', props)).toThrow(message);
    // Nothing was built: the platform construct has no children.
    const platform = stack.node.tryFindChild('Platform');
    expect(platform?.node.children ?? []).toHaveLength(0);
  });
});

test('an environment-agnostic stack cannot pin exact AZs', () => {
  const stack = new Stack(new App(), 'Agnostic');
  expect(() => new HasuraNextjsPlatform(stack, 'Platform', minimalProps({
    network: { availabilityZones: ['us-east-1a', 'us-east-1b'] },
  }))).toThrow(/Invalid network\.availabilityZones: .* Exact zones need a stack with an explicit region/);
});

test('an environment-agnostic stack offers two AZs and says so when asked for three', () => {
  const stack = new Stack(new App(), 'Agnostic');
  expect(() => new HasuraNextjsPlatform(stack, 'Platform', minimalProps({ network: { maxAzs: 3 } })))
    .toThrow(/Invalid network\.maxAzs: 3\. Stack Agnostic knows only 2 Availability Zones \(an environment-agnostic stack gets two\)/);
});

test('valid edge values are accepted', () => {
  const stack = testStack();
  expect(() => new HasuraNextjsPlatform(stack, 'Platform', {
    nextjs: { image: ecs.ContainerImage.fromRegistry('web:1'), cpu: 16384, memoryLimitMiB: 122880, desiredCount: 0 },
    hasura: { cpu: 256, memoryLimitMiB: 512, console: { allowedCidrs: ['0.0.0.0/0'], insecureAllowAnyIpv4: true, insecureAllowPlainHttp: true } },
    network: { maxAzs: 4, natGateways: 1 },
    database: { allocatedStorageGiB: 20, maxAllocatedStorageGiB: 21, backupRetention: Duration.days(35) },
    loadBalancer: { deregistrationDelay: Duration.seconds(0) },
  })).not.toThrow();
});
