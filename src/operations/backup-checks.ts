import { Stack, Token } from 'aws-cdk-lib';
import type { PlatformBackupOptions } from './backup-options';
import { invalid } from '../private/validation';

const VAULT_ARN = /^arn:aws[a-z-]*:backup:([a-z0-9-]+):\d{12}:backup-vault:[A-Za-z0-9_.-]{2,50}$/;

/** Validates backup options; `prefix` names the props in error messages. */
export function validateBackupOptions(options: PlatformBackupOptions, prefix: string, stack: Stack): void {
  checkRetention(`${prefix}.retention`, options);
  checkRetention(`${prefix}.copyRetention`, options);
  checkCopyRegion(options, prefix, stack);
  const arn = options.copyToVaultArn;
  if (arn === undefined || Token.isUnresolved(arn)) {
    if (options.copyRetention !== undefined && arn === undefined && options.copyToRegion === undefined) {
      invalid(`${prefix}.copyRetention`, options.copyRetention.toHumanString(),
        `It applies to copies: set ${prefix}.copyToRegion (or ${prefix}.copyToVaultArn) too.`);
    }
    return;
  }
  const match = VAULT_ARN.exec(arn);
  if (!match) {
    invalid(`${prefix}.copyToVaultArn`, arn, 'Use a backup vault ARN such as "arn:aws:backup:us-west-2:111122223333:backup-vault:my-dr-vault".');
  }
  if (!Token.isUnresolved(stack.region) && match[1] === stack.region) {
    invalid(`${prefix}.copyToVaultArn`, arn, `The copy must go to another region than the stack's (${stack.region}) to survive a regional outage.`);
  }
}

function checkRetention(prop: string, options: PlatformBackupOptions): void {
  const retention = prop.endsWith('copyRetention') ? options.copyRetention : options.retention;
  if (retention === undefined || retention.isUnresolved()) {
    return;
  }
  const days = retention.toDays({ integral: false });
  if (!Number.isInteger(days) || days < 1 || days > 36500) {
    invalid(prop, retention.toHumanString(), 'Use a whole number of days from 1 to 36500.');
  }
}

const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

function checkCopyRegion(options: PlatformBackupOptions, prefix: string, stack: Stack): void {
  const region = options.copyToRegion;
  if (region === undefined) {
    return;
  }
  if (options.copyToVaultArn !== undefined) {
    invalid(`${prefix}.copyToRegion`, region, `Set one of ${prefix}.copyToRegion and ${prefix}.copyToVaultArn.`);
  }
  if (Token.isUnresolved(region) || !REGION.test(region)) {
    invalid(`${prefix}.copyToRegion`, region, 'Use a region name known at synth time, such as "us-west-2".');
  }
  if (Token.isUnresolved(stack.region)) {
    invalid(`${prefix}.copyToRegion`, region, 'Copies to another region need a stack with an explicit region (env: { region }).');
  }
  if (region === stack.region) {
    invalid(`${prefix}.copyToRegion`, region, `The copy must go to another region than the stack's (${stack.region}) to survive a regional outage.`);
  }
}
