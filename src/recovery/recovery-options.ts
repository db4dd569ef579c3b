import { Duration } from 'aws-cdk-lib';

/** The name of the backup vault a `PlatformRecoveryRegion` creates for a platform. */
export function recoveryVaultName(platformName: string): string {
  return `${platformName}-dr`;
}

/** The identifier of the read replica a `PlatformRecoveryRegion` keeps, unless given. */
export function defaultReplicaIdentifier(platformName: string): string {
  return `${platformName}-replica`;
}

/** The CIDR block of the VPC created for the replica: away from the platform's default 10.0.0.0/16. */
export const REPLICA_VPC_CIDR = '10.255.0.0/24';

/** How far the replica may fall behind before its alarm fires, unless given. */
export const DEFAULT_MAX_REPLICA_LAG = Duration.minutes(10);
