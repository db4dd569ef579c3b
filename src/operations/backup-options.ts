import { Duration } from 'aws-cdk-lib';

/** Daily AWS Backup snapshots of the database, optionally copied to a vault in another region. */
export interface PlatformBackupOptions {
  /**
   * How long each daily backup is kept (1 day to 100 years).
   *
   * @default Duration.days(35)
   */
  readonly retention?: Duration;

  /**
   * A region to copy every backup to, into the vault `<platformName>-dr` that a `PlatformRecoveryRegion`
   * deployed there holds (deploy that stack first). Set this or `copyToVaultArn`.
   *
   * @default - no cross-region copies
   */
  readonly copyToRegion?: string;

  /**
   * ARN of a backup vault of your own in another region (and possibly another account) that receives a
   * copy of every backup, e.g. `arn:aws:backup:us-west-2:111122223333:backup-vault:hasura-blog-dr`.
   * Nothing here creates or checks it: it must exist, its access policy must admit this account's copies
   * when it is in another account, and its key must let AWS Backup use it. Prefer `copyToRegion`.
   *
   * @default - no cross-region copies
   */
  readonly copyToVaultArn?: string;

  /**
   * How long the cross-region copies are kept.
   *
   * @default - the same as `retention`
   */
  readonly copyRetention?: Duration;
}
