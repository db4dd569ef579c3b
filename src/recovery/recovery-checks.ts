import { Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import type { DatabaseReplicaOptions } from './replica-options';
import { checkInstanceType, INSTANCE_IDENTIFIER } from '../database/database-checks';
import { checkDurationSeconds, invalid, isToken } from '../private/validation';

/** Validates the replica's options; `prefix` names the props in error messages. */
export function validateReplicaOptions(options: DatabaseReplicaOptions, prefix: string): void {
  checkInstanceType(options.instanceType, prefix);
  const identifier = options.instanceIdentifier;
  if (identifier !== undefined && !isToken(identifier) && !INSTANCE_IDENTIFIER.test(identifier)) {
    invalid(`${prefix}.instanceIdentifier`, identifier,
      'Start with a letter; use lower-case letters, digits and single hyphens, at most 63 characters, not ending with a hyphen.');
  }
  // ReplicaLag is published once a minute; a day of lag is no longer a recovery point anyone accepts.
  checkDurationSeconds(`${prefix}.maxReplicaLag`, options.maxReplicaLag, 60, 86400);
}

/** Validates the zones of the VPC the replica gets, in `stack`'s region. */
export function checkReplicaZones(options: DatabaseReplicaOptions, prefix: string, stack: Stack): void {
  const zones = options.availabilityZones;
  if (zones === undefined) {
    return;
  }
  if (options.vpc) {
    invalid(`${prefix}.availabilityZones`, zones, `They are for the VPC the replica gets; with ${prefix}.vpc, choose ${prefix}.vpcSubnets instead.`);
  }
  if (new Set(zones).size < 2 || new Set(zones).size !== zones.length) {
    invalid(`${prefix}.availabilityZones`, zones, 'Name two or more different zones: RDS needs a subnet group in at least two.');
  }
  const region = stack.region;
  const foreign = zones.find((zone) => !Token.isUnresolved(region) && !isToken(zone) && !zone.startsWith(region));
  if (foreign !== undefined) {
    invalid(`${prefix}.availabilityZones`, zones, `Every zone must be in this stack's region, ${region}; ${foreign} is not.`);
  }
}

/**
 * The replica's source must live in a stack of another region, named explicitly, in the same account
 * as the replica's stack: RDS creates the replica from the source's ARN in its region.
 */
export function checkReplicaSource(source: IConstruct, stack: Stack): void {
  const sourceStack = Stack.of(source);
  if (Token.isUnresolved(sourceStack.region)) {
    invalid('database', source.node.path, `Its stack ${sourceStack.stackName} has no explicit region; a replica in another`
      + ' region needs to know it (env: { region }).');
  }
  if (Token.isUnresolved(stack.region) || stack.region === sourceStack.region) {
    invalid('database', source.node.path, `Its stack is in ${sourceStack.region}; the replica's stack ${stack.stackName}`
      + ' must name another region (env: { region }).');
  }
  if (!Token.isUnresolved(sourceStack.account) && !Token.isUnresolved(stack.account) && sourceStack.account !== stack.account) {
    invalid('database', source.node.path, `Its stack is in account ${sourceStack.account} and this one in ${stack.account};`
      + ' the replica must be in the source\'s account.');
  }
}
