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
   * ARN of a backup vault in another region (and possibly another account) that receives a copy of
   * every backup, e.g. `arn:aws:backup:us-west-2:111122223333:backup-vault:hasura-blog-dr`. The vault
   * must exist, and its access policy must allow this account to copy into it.
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
