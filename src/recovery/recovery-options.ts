/** The name of the backup vault a `PlatformRecoveryRegion` creates for a platform. */
export function recoveryVaultName(platformName: string): string {
  return `${platformName}-dr`;
}
