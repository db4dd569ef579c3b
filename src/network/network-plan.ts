import { Stack, Token, Tokenization } from 'aws-cdk-lib';
import type { PlatformNetworkOptions } from './network-options';
import { checkInteger, contains, formatCidr, invalid, Ipv4Cidr, isToken, overlaps, requireCidr } from '../private/validation';

const DEFAULT_VPC_CIDR = '10.0.0.0/16';
const DEFAULT_MAX_AZS = 2;
/** Offset, in /24 blocks, of the first private subnet in the default layout. */
const PRIVATE_BLOCK_OFFSET = 10;
const SUBNET_PREFIX = 24;

/** The resolved, validated layout of the network. */
export interface NetworkPlan {
  readonly vpcCidr: string;
  readonly availabilityZones: string[];
  readonly natGateways: number;
  readonly publicSubnetCidrs: string[];
  readonly privateSubnetCidrs: string[];
}

/**
 * Resolves defaults and validates every network option against the others; `prefix` names the props
 * in error messages (`network.natGateways`, ...).
 */
export function planNetwork(stack: Stack, options: PlatformNetworkOptions, prefix: string): NetworkPlan {
  const vpcCidrText = options.vpcCidr ?? DEFAULT_VPC_CIDR;
  const vpcCidr = requireCidr(`${prefix}.vpcCidr`, vpcCidrText, 16, 28);
  const availabilityZones = planAvailabilityZones(stack, options, prefix);
  const azCount = availabilityZones.length;

  const natGateways = options.natGateways ?? azCount;
  if (isToken(natGateways)) {
    // aws-cdk-lib only warns, then builds no NAT gateway at all: the tasks could not pull images.
    invalid(`${prefix}.natGateways`, Tokenization.stringifyNumber(natGateways), `It must be a number known at synth time, from 1 to ${azCount}, not a token.`);
  }
  checkInteger(`${prefix}.natGateways`, natGateways, 1, azCount);

  const publicSubnets = planSubnets(`${prefix}.publicSubnetCidrs`, options.publicSubnetCidrs, vpcCidr, azCount, 0);
  const privateSubnets = planSubnets(`${prefix}.privateSubnetCidrs`, options.privateSubnetCidrs, vpcCidr, azCount,
    PRIVATE_BLOCK_OFFSET);
  checkNoOverlap(prefix, [...publicSubnets, ...privateSubnets]);

  return {
    vpcCidr: vpcCidrText,
    availabilityZones,
    natGateways,
    publicSubnetCidrs: publicSubnets.map((subnet) => subnet.text),
    privateSubnetCidrs: privateSubnets.map((subnet) => subnet.text),
  };
}

function planAvailabilityZones(stack: Stack, options: PlatformNetworkOptions, prefix: string): string[] {
  if (options.availabilityZones !== undefined) {
    if (options.maxAzs !== undefined) {
      invalid(`${prefix}.maxAzs`, options.maxAzs,
        `Set either ${prefix}.maxAzs or ${prefix}.availabilityZones, not both.`);
    }
    const zones = options.availabilityZones;
    if (zones.length < 2 || zones.length > 6 || new Set(zones).size !== zones.length) {
      invalid(`${prefix}.availabilityZones`, zones,
        'List from 2 to 6 distinct zones: the load balancer needs at least two.');
    }
    if (Token.isUnresolved(stack.region)) {
      invalid(`${prefix}.availabilityZones`, zones,
        'Exact zones need a stack with an explicit region (env: { region }); use maxAzs otherwise.');
    }
    return zones;
  }
  const maxAzs = options.maxAzs ?? DEFAULT_MAX_AZS;
  checkInteger(`${prefix}.maxAzs`, maxAzs, 2, 6);
  const known = stack.availabilityZones;
  if (maxAzs > known.length) {
    invalid(`${prefix}.maxAzs`, maxAzs,
      `Stack ${stack.stackName} knows only ${known.length} Availability Zones`
      + ' (an environment-agnostic stack gets two): give the stack an account and region, or lower maxAzs.');
  }
  return known.slice(0, maxAzs);
}

function planSubnets(prop: string, given: string[] | undefined, vpc: Ipv4Cidr, azCount: number,
  blockOffset: number): Ipv4Cidr[] {
  if (given === undefined) {
    const blockSize = 2 ** (32 - SUBNET_PREFIX);
    const blocksInVpc = (vpc.last - vpc.first + 1) / blockSize;
    if (blockOffset + azCount > blocksInVpc) {
      invalid(prop, 'default layout',
        `The default layout needs ${blockOffset + azCount} /24 blocks but vpcCidr ${vpc.text} has ${blocksInVpc}:`
        + ' use a larger vpcCidr or list the subnet CIDRs.');
    }
    return Array.from({ length: azCount }, (_, index) =>
      requireCidr(prop, formatCidr(vpc.first + (blockOffset + index) * blockSize, SUBNET_PREFIX), 16, 28));
  }
  if (given.length !== azCount) {
    invalid(prop, given, `List exactly one CIDR per Availability Zone (${azCount}).`);
  }
  return given.map((text) => {
    const subnet = requireCidr(prop, text, 16, 28);
    if (!contains(vpc, subnet)) {
      invalid(prop, given, `${text} is outside the VPC range ${vpc.text}.`);
    }
    return subnet;
  });
}

function checkNoOverlap(prefix: string, subnets: Ipv4Cidr[]): void {
  subnets.forEach((subnet, index) => {
    const clash = subnets.slice(index + 1).find((other) => overlaps(subnet, other));
    if (clash) {
      invalid(`${prefix}.publicSubnetCidrs/privateSubnetCidrs`, [subnet.text, clash.text],
        'Subnet CIDRs must not overlap.');
    }
  });
}
