import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';

/** Where a web ACL can be attached: WAF scopes, fixed at creation. */
export enum WebAclScope {
  /** An Application Load Balancer (or another regional resource) in the stack's region. */
  REGIONAL = 'REGIONAL',
  /** A CloudFront distribution; such a web ACL must be created in us-east-1. */
  CLOUDFRONT = 'CLOUDFRONT',
}

/** Settings of the managed web ACL that the platform can put in front of its entry point. */
export interface PlatformWebAclOptions {
  /**
   * Requests one client IP may send in any 5-minute window before the rate-based rule blocks it
   * (10 to 2,000,000,000). Requests for Next.js build assets (`/_next/static/`) are not counted.
   *
   * @default 2000
   */
  readonly rateLimitPerIp?: number;

  /**
   * Count matching requests instead of blocking them, in every rule: for tuning the rules against
   * real traffic (read the logs) before they enforce anything.
   *
   * @default false
   */
  readonly countOnly?: boolean;

  /**
   * How long the web ACL's logs are kept.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
}

/** Props of `PlatformWebAcl`. */
export interface PlatformWebAclProps extends PlatformWebAclOptions {
  /**
   * What the web ACL will be attached to. `CLOUDFRONT` requires a stack in us-east-1.
   */
  readonly webAclScope: WebAclScope;

  /**
   * Name of the web ACL, also used in its log group `aws-waf-logs-<webAclName>`: letters, digits,
   * hyphens and underscores, at most 50 characters.
   *
   * @default - derived from the construct path
   */
  readonly webAclName?: string;

  /**
   * Key that encrypts the log group. It must let CloudWatch Logs use it.
   *
   * @default - a key with yearly rotation is created and retained
   */
  readonly encryptionKey?: kms.IKey;
}
