import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { validateBackupOptions } from './backup-checks';
import { PlatformBackupOptions } from './backup-options';
import { acknowledge, asFindingText, nistAndHipaa } from '../private/acknowledge';
import { recoveryVaultName } from '../recovery/recovery-options';

/** Props of `PlatformBackup`. */
export interface PlatformBackupProps extends PlatformBackupOptions {
  /** The database to back up. */
  readonly database: rds.IDatabaseInstance;

  /**
   * The platform's name: the plan is `<platformName>-database`, and `copyToRegion` copies into
   * `<platformName>-dr`.
   */
  readonly platformName: string;

  /**
   * Key that encrypts the backup vault.
   *
   * @default - the account's AWS Backup key
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * A topic to notify when a backup or a copy of one fails. EventBridge is allowed to publish to it
   * (and to use its key, when the topic was created in the same app).
   *
   * @default - failures are not notified
   */
  readonly topic?: sns.ITopic;
}

/**
 * An AWS Backup plan, `<platformName>-database`, that snapshots the database daily at 06:00 UTC (after
 * the default 03:00-04:00 automated backup window and the Monday maintenance window) into a retained
 * vault encrypted with the platform key, and copies every snapshot to a vault in another region when
 * asked to. These snapshots survive the deletion of the instance, unlike its automated backups.
 * Failed backup and copy jobs notify the topic.
 */
export class PlatformBackup extends Construct {
  /** The vault in the stack's region. */
  public readonly vault: backup.BackupVault;
  /** The plan. */
  public readonly plan: backup.BackupPlan;
  /** The ARN of the vault in another region that every backup is copied to, if any. */
  public readonly copyVaultArn?: string;

  constructor(scope: Construct, id: string, props: PlatformBackupProps) {
    super(scope, id);
    const stack = Stack.of(this);
    validateBackupOptions(props, 'backup', stack);
    const retention = props.retention ?? Duration.days(35);

    this.vault = new backup.BackupVault(this, 'Vault', {
      encryptionKey: props.encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.plan = new backup.BackupPlan(this, 'Plan', { backupVault: this.vault, backupPlanName: `${props.platformName}-database` });
    this.copyVaultArn = props.copyToVaultArn ?? (props.copyToRegion && stack.formatArn({
      service: 'backup',
      region: props.copyToRegion,
      resource: 'backup-vault',
      resourceName: recoveryVaultName(props.platformName),
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    }));
    this.plan.addRule(new backup.BackupPlanRule({
      ruleName: 'Daily',
      scheduleExpression: events.Schedule.cron({ minute: '0', hour: '6' }),
      startWindow: Duration.hours(1),
      completionWindow: Duration.hours(4),
      deleteAfter: retention,
      copyActions: this.copyVaultArn ? [{
        destinationBackupVault: backup.BackupVault.fromBackupVaultArn(this, 'CopyVault', this.copyVaultArn),
        deleteAfter: props.copyRetention ?? retention,
      }] : undefined,
    }));
    const selection = this.plan.addSelection('Database', {
      resources: [backup.BackupResource.fromRdsDatabaseInstance(props.database)],
    });
    acknowledge(selection, 'AWSBackupServiceRolePolicyForBackup is the AWS-managed policy AWS Backup documents'
      + ' for its service role; it lets the plan snapshot and copy the selected database.',
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]');
    if (props.copyToRegion) {
      this.allowCopiesWithKeysOf(selection, props.copyToRegion);
    }
    if (props.topic) {
      this.notifyFailures(props.topic);
    }
  }

  /**
   * The copy re-encrypts each snapshot with the recovery vault's key in `region`: the plan's role may
   * use that region's keys, through RDS and AWS Backup only.
   */
  private allowCopiesWithKeysOf(selection: backup.BackupSelection, region: string): void {
    const keys = Stack.of(this).formatArn({ service: 'kms', region, resource: 'key', resourceName: '*' });
    selection.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['kms:CreateGrant', 'kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
      resources: [keys],
      conditions: { StringLike: { 'kms:ViaService': [`rds.${region}.amazonaws.com`, `backup.${region}.amazonaws.com`] } },
    }));
    const policy = selection.node.findChild('Role').node.findChild('DefaultPolicy');
    acknowledge(policy, `A copy re-encrypts each snapshot with the recovery vault's key in ${region}, which another stack`
      + ' creates: the grant names that region\'s keys, used only through RDS and AWS Backup there (kms:ViaService), and the'
      + ' key actions a snapshot copy needs.', `AwsSolutions-IAM5[Resource::${asFindingText(policy, keys)}]`,
    'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]', ...nistAndHipaa('IAMNoInlinePolicy'));
  }

  /** Backup and copy jobs that fail, abort or expire notify `topic` through EventBridge. */
  private notifyFailures(topic: sns.ITopic): void {
    const failures = new events.Rule(this, 'Failures', {
      description: 'A backup or a copy of the database failed, was aborted or expired',
      eventPattern: {
        source: ['aws.backup'],
        detailType: ['Backup Job State Change', 'Copy Job State Change'],
        detail: { state: ['FAILED', 'ABORTED', 'EXPIRED'] },
      },
    });
    failures.addTarget(new targets.SnsTopic(topic));
  }
}
