import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { PlatformDatabaseOptions } from './database-options';
import { defaultMaxConnections } from './max-connections';
import { checkInteger, invalid, isToken } from '../private/validation';

/** The characters the generated master password never contains (the same set aws-cdk-lib uses). */
export const DATABASE_PASSWORD_EXCLUDED_CHARACTERS = ' %+~`#$&*()|[]{}:;<>?!\'/@"\\';

/** The PostgreSQL port. */
export const DATABASE_PORT = 5432;

/** The master user name of the database. */
export const DATABASE_MASTER_USERNAME = 'postgres';

const BACKUP_WINDOW = /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/;
const MAINTENANCE_WINDOW = /^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d$/;
/** An RDS DB instance identifier. */
export const INSTANCE_IDENTIFIER = /^[a-z](?!.*--)[a-z0-9-]{0,62}(?<!-)$/;
const SNAPSHOT_IDENTIFIER = /^(arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:snapshot:)?[a-zA-Z][a-zA-Z0-9-:]{0,254}$/;
const DATABASE_NAME = /^[a-zA-Z][a-zA-Z0-9_]{0,62}$/;

/**
 * Validates database options; `prefix` names the props in error messages.
 */
export function validateDatabaseOptions(options: PlatformDatabaseOptions, prefix: string): void {
  const allocated = options.allocatedStorageGiB ?? DEFAULT_ALLOCATED_STORAGE_GIB;
  const max = options.maxAllocatedStorageGiB ?? DEFAULT_MAX_ALLOCATED_STORAGE_GIB;
  checkInteger(`${prefix}.allocatedStorageGiB`, allocated, 20, 65536);
  checkInteger(`${prefix}.maxAllocatedStorageGiB`, max, 21, 65536);
  if (!isToken(allocated) && !isToken(max) && max <= allocated) {
    invalid(`${prefix}.maxAllocatedStorageGiB`, max,
      `It must be larger than ${prefix}.allocatedStorageGiB (${allocated}) for storage autoscaling.`);
  }
  const retention = options.backupRetention;
  if (retention !== undefined && !retention.isUnresolved()) {
    const days = retention.toDays({ integral: false });
    if (!Number.isInteger(days) || days < 1 || days > 35) {
      invalid(`${prefix}.backupRetention`, retention.toHumanString(), 'Use a whole number of days from 1 to 35.');
    }
  }
  checkPattern(`${prefix}.preferredBackupWindow`, options.preferredBackupWindow, BACKUP_WINDOW,
    'Use "hh24:mi-hh24:mi" in UTC, e.g. "03:00-04:00".');
  checkPattern(`${prefix}.preferredMaintenanceWindow`, options.preferredMaintenanceWindow, MAINTENANCE_WINDOW,
    'Use "ddd:hh24:mi-ddd:hh24:mi" in UTC, e.g. "mon:04:00-mon:05:00".');
  checkWindows(options, prefix);
  checkInstanceType(options.instanceType, prefix);
  resolveMaxConnections(options, prefix);
  checkPattern(`${prefix}.databaseName`, options.databaseName, DATABASE_NAME,
    'Start with a letter; use letters, digits and underscores, at most 63 characters.');
  checkPattern(`${prefix}.instanceIdentifier`, options.instanceIdentifier, INSTANCE_IDENTIFIER,
    'Start with a letter; use lower-case letters, digits and single hyphens, at most 63 characters, not ending with a hyphen.');
  checkPattern(`${prefix}.snapshotIdentifier`, options.snapshotIdentifier, SNAPSHOT_IDENTIFIER,
    'Use a DB snapshot name such as "rds:hasura-2025-01-31-03-05" or "before-upgrade", or a snapshot ARN.');
  checkMonitoringOptions(options, prefix);
  if (options.removalPolicy === RemovalPolicy.DESTROY && (options.deletionProtection ?? true)) {
    invalid(`${prefix}.removalPolicy`, 'DESTROY',
      `Deleting the database needs ${prefix}.deletionProtection set to false as well; use SNAPSHOT or RETAIN to keep the data.`);
  }
}

/** The Enhanced Monitoring intervals RDS accepts, in seconds; 0 turns it off. */
export const ENHANCED_MONITORING_INTERVALS = [0, 1, 5, 10, 15, 30, 60];

/** Enhanced Monitoring's interval unless `enhancedMonitoringInterval` says otherwise, in seconds. */
export const DEFAULT_ENHANCED_MONITORING_SECONDS = 60;

/**
 * Performance Insights and Enhanced Monitoring. RDS for PostgreSQL supports Performance Insights on
 * every instance class (RDS User Guide, "Amazon RDS DB engine, Region, and instance class support for
 * Performance Insights": no restriction for PostgreSQL, unlike MySQL and MariaDB on micro and small).
 */
function checkMonitoringOptions(options: PlatformDatabaseOptions, prefix: string): void {
  const interval = options.enhancedMonitoringInterval;
  if (interval !== undefined && !interval.isUnresolved()
    && !ENHANCED_MONITORING_INTERVALS.includes(interval.toSeconds({ integral: false }))) {
    invalid(`${prefix}.enhancedMonitoringInterval`, interval.toHumanString(),
      `RDS samples every ${ENHANCED_MONITORING_INTERVALS.filter((s) => s > 0).join(', ')} seconds, or 0 to turn Enhanced Monitoring off.`);
  }
  if (options.performanceInsightsRetention !== undefined && options.performanceInsights !== true) {
    invalid(`${prefix}.performanceInsightsRetention`, options.performanceInsightsRetention,
      `Performance Insights keeps data only while it is on: set ${prefix}.performanceInsights to true, or leave the retention unset.`);
  }
}

function checkPattern(prop: string, value: string | undefined, pattern: RegExp, allowed: string): void {
  if (value !== undefined && !isToken(value) && !pattern.test(value)) {
    invalid(prop, value, allowed);
  }
}

/** Storage provisioned at creation unless `allocatedStorageGiB` says otherwise, in GiB. */
export const DEFAULT_ALLOCATED_STORAGE_GIB = 20;

/** The most storage autoscaling grows to unless `maxAllocatedStorageGiB` says otherwise, in GiB. */
export const DEFAULT_MAX_ALLOCATED_STORAGE_GIB = 40;

/** The default instance class of the database. */
export const DEFAULT_INSTANCE_TYPE = ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MICRO);

/** The `max_connections` the database gets: the prop, or the default for its instance class. */
export function resolveMaxConnections(options: PlatformDatabaseOptions, prefix: string): number {
  const given = options.maxConnections;
  if (given !== undefined) {
    if (isToken(given)) {
      invalid(`${prefix}.maxConnections`, given, 'It must be a number known at synth time: the connection budget is checked against it.');
    }
    checkInteger(`${prefix}.maxConnections`, given, 10, 5000);
    return given;
  }
  const instanceType = options.instanceType ?? DEFAULT_INSTANCE_TYPE;
  const computed = defaultMaxConnections(instanceType);
  if (computed === undefined) {
    invalid(`${prefix}.instanceType`, instanceType.toString(),
      `The platform does not know the memory of this class, so it cannot size max_connections: set ${prefix}.maxConnections`
      + ' (RDS\'s default is DBInstanceClassMemory/9531392), or use a t3, t4g, m5-m8g or r5-r8g class.');
  }
  return computed;
}

// ---------------------------------------------------------------------------------------------
// Inputs that aws-cdk-lib accepts (at most with a template-validation warning) but RDS refuses at deploy.

/** Instance sizes that EC2 offers and RDS does not. */
const SIZES_RDS_LACKS = /^(nano|metal.*)$/;
const INSTANCE_TYPE = /^([a-z]+\d+[a-z-]*)\.([a-z0-9-]+)$/;

/**
 * The instance class must be written without `db.` (aws-cdk-lib adds it) and name an instance class
 * and size that aws-cdk-lib's `ec2.InstanceClass` / `ec2.InstanceSize` know and RDS offers.
 */
export function checkInstanceType(instanceType: ec2.InstanceType | undefined, prefix: string): void {
  const text = instanceType?.toString();
  if (text === undefined || isToken(text)) {
    return;
  }
  const prop = `${prefix}.instanceType`;
  const example = 'e.g. ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.SMALL) or new ec2.InstanceType("t4g.small")';
  if (text.startsWith('db.')) {
    invalid(prop, text, `Write the instance class without the "db." prefix, which RDS adds (this would become "db.${text}"): ${example}.`);
  }
  const match = INSTANCE_TYPE.exec(text);
  if (!match) {
    invalid(prop, text, `Use "<class>.<size>", ${example}.`);
  }
  const [, instanceClass, size] = match;
  if (!(Object.values(ec2.InstanceClass) as string[]).includes(instanceClass)) {
    invalid(prop, text, `"${instanceClass}" is not an instance class aws-cdk-lib knows (ec2.InstanceClass); ${example}.`);
  }
  if (!(Object.values(ec2.InstanceSize) as string[]).includes(size) || SIZES_RDS_LACKS.test(size)) {
    invalid(prop, text, `"${size}" is not a size RDS offers; use micro, small, medium, large or an N-xlarge size of ec2.InstanceSize.`);
  }
}

/** Minutes since the start of the week (Monday 00:00) for `ddd:hh:mi`, or since midnight for `hh:mi`. */
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const MINUTES_PER_DAY = 24 * 60;
function minutesOf(time: string): number {
  const parts = time.split(':');
  const [hours, minutes] = parts.slice(-2).map(Number);
  const day = parts.length === 3 ? DAYS.indexOf(parts[0]) : 0;
  return day * MINUTES_PER_DAY + hours * 60 + minutes;
}

/** A window as [start, end) minute ranges on a cycle of `cycle` minutes (end may wrap past the cycle). */
function windowRange(window: string, cycle: number): [number, number] {
  const [start, end] = window.split('-').map(minutesOf);
  return [start, end > start ? end : end + cycle];
}

/** RDS refuses a backup window shorter than 30 minutes and windows that overlap. */
function checkWindows(options: PlatformDatabaseOptions, prefix: string): void {
  const backup = options.preferredBackupWindow ?? '03:00-04:00';
  const maintenance = options.preferredMaintenanceWindow ?? 'mon:04:00-mon:05:00';
  if (isToken(backup) || isToken(maintenance)) {
    return;
  }
  const [backupStart, backupEnd] = windowRange(backup, MINUTES_PER_DAY);
  if (backupEnd - backupStart < 30) {
    invalid(`${prefix}.preferredBackupWindow`, backup, 'RDS needs a backup window of at least 30 minutes.');
  }
  const week = 7 * MINUTES_PER_DAY;
  const [maintenanceStart, maintenanceEnd] = windowRange(maintenance, week);
  // The backup window recurs daily: compare each day's occurrence (and the wrapped week) with the maintenance window.
  for (let day = -1; day <= 7; day++) {
    const start = backupStart + day * MINUTES_PER_DAY;
    const end = backupEnd + day * MINUTES_PER_DAY;
    for (const shift of [-week, 0, week]) {
      if (start < maintenanceEnd + shift && maintenanceStart + shift < end) {
        invalid(`${prefix}.preferredBackupWindow`, backup,
          `It overlaps ${prefix}.preferredMaintenanceWindow (${JSON.stringify(maintenance)}), which RDS refuses; move one of them.`);
      }
    }
  }
}
