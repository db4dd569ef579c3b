import { RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { recoveryVaultName } from './recovery-options';
import { invalid } from '../private/validation';

/** Props of `PlatformRecoveryRegion`. */
export interface PlatformRecoveryRegionProps {
  /** The `platformName` of the platform this region recovers; the vault is named `<platformName>-dr`. */
  readonly platformName: string;

  /**
   * The region the platform runs in, which must differ from this stack's.
   */
  readonly primaryRegion: string;
}

/**
 * What a platform needs in a second region to survive the loss of its own: deploy it in a stack of
 * that region. It holds a backup vault, `<platformName>-dr`, encrypted with a key of that region, into
 * which the platform's `backup.copyToRegion` copies every daily backup. Both are retained: the copies
 * are what a recovery starts from.
 */
export class PlatformRecoveryRegion extends Construct {
  /** The key that encrypts the vault, in this region. */
  public readonly encryptionKey: kms.Key;
  /** The vault the platform's backups are copied into. */
  public readonly vault: backup.BackupVault;

  constructor(scope: Construct, id: string, props: PlatformRecoveryRegionProps) {
    super(scope, id);
    const region = Stack.of(this).region;
    if (Token.isUnresolved(region)) {
      invalid('stack region', '(not set)', 'A recovery region needs a stack with an explicit region (env: { region }).');
    }
    if (region === props.primaryRegion) {
      invalid('primaryRegion', props.primaryRegion, 'It is this stack\'s region: deploy PlatformRecoveryRegion in another region than the platform\'s.');
    }
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
  }
}
