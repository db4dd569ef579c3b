import { RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { PlatformDatabaseReplica } from './database-replica';
import { RecoveryImage } from './recovery-image';
import { recoveryVaultName } from './recovery-options';
import { DatabaseReplicaOptions } from './replica-options';
import { PlatformDatabase } from '../database/database';
import { PlatformMonitoring } from '../operations/monitoring';
import { allowCloudWatchLogs, denyGrantsExceptForAwsServices } from '../private/logs-key';
import { invalid } from '../private/validation';

/** Props of `PlatformRecoveryRegion`. */
export interface PlatformRecoveryRegionProps {
  /** The `platformName` of the platform this region recovers; the vault is named `<platformName>-dr`. */
  readonly platformName: string;

  /**
   * The region the platform runs in, which must differ from this stack's.
   */
  readonly primaryRegion: string;

  /**
   * The platform's database (`platform.database`): this region keeps a cross-region read replica of
   * it, encrypted with this region's key, and alarms when the replica falls behind. This stack then
   * deploys after the platform's (the construct adds the dependency; remove any dependency the other
   * way). The database needs a fixed `instanceIdentifier`, or `crossRegionReferences: true` on this
   * stack.
   *
   * @default - no replica: only the backup vault
   */
  readonly database?: PlatformDatabase;

  /**
   * Settings of the replica, with `database`.
   *
   * @default - the source's instance class, single-AZ, in a VPC of its own
   */
  readonly replica?: DatabaseReplicaOptions;

  /**
   * Email addresses notified when the replica's alarm fires and when it returns to OK (each must
   * confirm its subscription), with `database`.
   *
   * @default - the alarm notifies a topic without subscribers
   */
  readonly alarmEmails?: string[];

  /**
   * The platform's container images to publish to this region's CDK asset repository on every deploy
   * of this stack, so that a platform deployed here during a failover finds them built already:
   * `RecoveryImage.hasuraEngine(hasuraOptions)` and `RecoveryImage.fromAsset(...)` of the Next.js image.
   *
   * @default - none: a failover builds the images when it deploys
   */
  readonly images?: RecoveryImage[];
}

/**
 * What a platform needs in a second region to survive the loss of its own: deploy it in a stack of
 * that region. It holds a backup vault, `<platformName>-dr`, encrypted with a key of that region, into
 * which the platform's `backup.copyToRegion` copies every daily backup. Both are retained: the copies
 * are what a recovery starts from.
 *
 * With `database`, it also keeps a cross-region read replica of the platform's database (seconds
 * behind it, so a failover loses seconds of writes instead of up to a day), an alarm on the replica's
 * lag, and with `images` the platform's container images in this region. The README's "Disaster
 * recovery" section is the failover runbook.
 */
export class PlatformRecoveryRegion extends Construct {
  /** The `platformName` of the platform this region recovers. */
  public readonly platformName: string;
  /** The key that encrypts the vault (and the replica, its logs and its alarm topic), in this region. */
  public readonly encryptionKey: kms.Key;
  /** The vault the platform's backups are copied into. */
  public readonly vault: backup.BackupVault;
  /** The read replica of the platform's database, with `database`. */
  public readonly replica?: PlatformDatabaseReplica;
  /** The replica's alarm and its topic, with `database`. */
  public readonly monitoring?: PlatformMonitoring;
  /** The image assets published to this region. */
  public readonly images: ecrAssets.DockerImageAsset[];

  constructor(scope: Construct, id: string, props: PlatformRecoveryRegionProps) {
    super(scope, id);
    this.platformName = props.platformName;
    const stack = Stack.of(this);
    const region = stack.region;
    if (Token.isUnresolved(region)) {
      invalid('stack region', '(not set)', 'A recovery region needs a stack with an explicit region (env: { region }).');
    }
    if (region === props.primaryRegion) {
      invalid('primaryRegion', props.primaryRegion, 'It is this stack\'s region: deploy PlatformRecoveryRegion in another region than the platform\'s.');
    }
    checkReplicaProps(props);
    this.encryptionKey = new kms.Key(this, 'Key', {
      description: `${props.platformName}: encrypts the copies of the platform's backups in ${region}`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.vault = new backup.BackupVault(this, 'Vault', {
      backupVaultName: recoveryVaultName(props.platformName),
      encryptionKey: this.encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    if (props.database) {
      allowCloudWatchLogs(this.encryptionKey);
      denyGrantsExceptForAwsServices(this.encryptionKey);
      this.replica = new PlatformDatabaseReplica(this, 'Replica', {
        ...props.replica,
        source: props.database,
        platformName: props.platformName,
        encryptionKey: this.encryptionKey,
      });
      this.monitoring = this.watchReplica(this.replica, props);
    }
    this.images = (props.images ?? []).map((image, index) => image._publish(this, `Image${index + 1}`));
  }

  /** An alarm on the replica's lag, notifying an encrypted topic of this region that CloudWatch may publish to. */
  private watchReplica(replica: PlatformDatabaseReplica, props: PlatformRecoveryRegionProps): PlatformMonitoring {
    const monitoring = new PlatformMonitoring(this, 'Monitoring', {
      platformName: props.platformName,
      alarmEmails: props.alarmEmails,
      dashboard: false,
      encryptionKey: this.encryptionKey,
    });
    const seconds = replica.maxReplicaLag.toSeconds();
    monitoring.addAlarm('ReplicaLag', {
      alarmName: 'database-replica-lag',
      metric: replica.metricReplicaLag(),
      threshold: seconds,
      evaluationPeriods: 2,
      // A replica that reports no lag is stopped, broken or promoted: that needs a look too.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      description: `The database replica in ${Stack.of(this).region} is more than ${seconds} seconds behind its source (or reports`
        + ' no lag): a failover now would lose that much. Check the source\'s write load and the replica\'s state'
        + ' (aws rds describe-db-instances); replication that stopped must be repaired by re-creating the replica.',
    });
    return monitoring;
  }
}

function checkReplicaProps(props: PlatformRecoveryRegionProps): void {
  if (props.database === undefined) {
    const why = 'It applies to the database replica: set database (the platform\'s database) too.';
    if (props.replica !== undefined) {
      invalid('replica', '(set)', why);
    }
    if (props.alarmEmails !== undefined) {
      invalid('alarmEmails', props.alarmEmails, why);
    }
    return;
  }
  const sourceRegion = Stack.of(props.database).region;
  if (!Token.isUnresolved(sourceRegion) && sourceRegion !== props.primaryRegion) {
    invalid('primaryRegion', props.primaryRegion, `The database's stack ${Stack.of(props.database).stackName} is in ${sourceRegion}.`);
  }
}
