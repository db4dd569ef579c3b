import * as ec2 from 'aws-cdk-lib/aws-ec2';

/** Memory in GiB of each size, for the general-purpose (m) families; burstable and memory-optimized differ. */
const GENERAL_PURPOSE_GIB: { [size: string]: number } = {
  'large': 8,
  'xlarge': 16,
  '2xlarge': 32,
  '4xlarge': 64,
  '8xlarge': 128,
  '12xlarge': 192,
  '16xlarge': 256,
  '24xlarge': 384,
  '32xlarge': 512,
  '48xlarge': 768,
};
const BURSTABLE_GIB: { [size: string]: number } = {
  'micro': 1, 'small': 2, 'medium': 4, 'large': 8, 'xlarge': 16, '2xlarge': 32,
};
const BURSTABLE = ['t3', 't4g'];
const GENERAL_PURPOSE = ['m5', 'm5d', 'm6g', 'm6gd', 'm6i', 'm6id', 'm6in', 'm7g', 'm7gd', 'm7i', 'm8g'];
const MEMORY_OPTIMIZED = ['r5', 'r5b', 'r5d', 'r6g', 'r6gd', 'r6i', 'r6id', 'r6in', 'r7g', 'r7gd', 'r7i', 'r8g'];

/**
 * Share of an instance's nominal memory that RDS reports as `DBInstanceClassMemory` (the rest goes to the
 * operating system and RDS processes). A db.t3.micro reports about 0.76-0.78 GiB; larger classes keep a
 * larger share, so this errs low.
 */
const USABLE_MEMORY_SHARE = 0.75;
/** Bytes per connection in RDS's default `max_connections` formula, `DBInstanceClassMemory/9531392`. */
const BYTES_PER_CONNECTION = 9531392;
/** RDS never defaults `max_connections` above this. */
const MAX_CONNECTIONS_CAP = 5000;

/** Nominal memory of an RDS instance class in GiB, or undefined when the class is not known here. */
export function instanceMemoryGiB(instanceType: ec2.InstanceType): number | undefined {
  const [family, size] = instanceType.toString().split('.');
  if (BURSTABLE.includes(family)) {
    return BURSTABLE_GIB[size];
  }
  const general = GENERAL_PURPOSE_GIB[size];
  if (general === undefined) {
    return undefined;
  }
  if (GENERAL_PURPOSE.includes(family)) {
    return general;
  }
  return MEMORY_OPTIMIZED.includes(family) ? general * 2 : undefined;
}

/**
 * The `max_connections` the platform sets for an instance class: RDS's own default formula,
 * `LEAST(DBInstanceClassMemory/9531392, 5000)`, evaluated with a conservative memory estimate, so the
 * database holds what the connection budget counts on. Undefined for classes not known here.
 */
export function defaultMaxConnections(instanceType: ec2.InstanceType): number | undefined {
  const gib = instanceMemoryGiB(instanceType);
  if (gib === undefined) {
    return undefined;
  }
  return Math.min(Math.floor(gib * 2 ** 30 * USABLE_MEMORY_SHARE / BYTES_PER_CONNECTION), MAX_CONNECTIONS_CAP);
}
