import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { validateBackupOptions } from './backup-checks';
import { PlatformBackupOptions } from './backup-options';
import { acknowledge } from '../private/acknowledge';

/** Props of {@link PlatformBackup}. */
export interface PlatformBackupProps extends PlatformBackupOptions {
  /** The database to back up. */
  readonly database: rds.IDatabaseInstance;

  /**
   * Key that encrypts the backup vault.
   *
   * @default - the account's AWS Backup key
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * An AWS Backup plan that snapshots the database daily at 06:00 UTC (after the default 03:00-04:00
 * automated backup window and the Monday maintenance window) into a retained vault encrypted with the
 * platform key, and copies every snapshot to a vault in another region when one is given. These
 * snapshots survive the deletion of the instance, unlike its automated backups.
 */
export class PlatformBackup extends Construct {
  /** The vault in the stack's region. */
  public readonly vault: backup.BackupVault;
  /** The plan. */
  public readonly plan: backup.BackupPlan;

  constructor(scope: Construct, id: string, props: PlatformBackupProps) {
    super(scope, id);
    validateBackupOptions(props, 'backup', Stack.of(this));
    const retention = props.retention ?? Duration.days(35);

    this.vault = new backup.BackupVault(this, 'Vault', {
      encryptionKey: props.encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.plan = new backup.BackupPlan(this, 'Plan', { backupVault: this.vault });
    this.plan.addRule(new backup.BackupPlanRule({
      ruleName: 'Daily',
      scheduleExpression: events.Schedule.cron({ minute: '0', hour: '6' }),
      startWindow: Duration.hours(1),
      completionWindow: Duration.hours(4),
      deleteAfter: retention,
      copyActions: props.copyToVaultArn ? [{
        destinationBackupVault: backup.BackupVault.fromBackupVaultArn(this, 'CopyVault', props.copyToVaultArn),
        deleteAfter: props.copyRetention ?? retention,
      }] : undefined,
    }));
    const selection = this.plan.addSelection('Database', {
      resources: [backup.BackupResource.fromRdsDatabaseInstance(props.database)],
    });
    acknowledge(selection, 'AWSBackupServiceRolePolicyForBackup is the AWS-managed policy AWS Backup documents'
      + ' for its service role; it lets the plan snapshot and copy the selected database.',
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]');
  }
}
