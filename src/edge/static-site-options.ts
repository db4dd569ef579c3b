import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as route53 from 'aws-cdk-lib/aws-route53';

/** Props of `StaticSite`. */
export interface StaticSiteProps {
  /** The site's domain name, e.g. `storybook.example.com`. */
  readonly domainName: string;

  /** The Route 53 public hosted zone of `domainName`; A and AAAA alias records are created in it. */
  readonly hostedZone: route53.IHostedZone;

  /**
   * Certificate for `domainName` in **us-east-1**, where CloudFront reads certificates from.
   *
   * @default - a DNS-validated certificate when the stack is in us-east-1; elsewhere a synth error asks for one
   */
  readonly certificate?: acm.ICertificate;

  /**
   * A local folder (e.g. `storybook-static`) uploaded to the bucket at every deployment; files no
   * longer in the folder are deleted from the bucket.
   *
   * @default - nothing is uploaded; fill the bucket by other means
   */
  readonly sourcePath?: string;

  /**
   * The Content-Security-Policy sent with every response.
   *
   * @default - same-origin content only, inline scripts and styles allowed (Storybook needs them), no framing by other sites
   */
  readonly contentSecurityPolicy?: string;

  /**
   * The object served for `/`.
   *
   * @default 'index.html'
   */
  readonly defaultRootObject?: string;

  /**
   * Answer requests for missing paths (403 and 404 from the bucket) with `/index.html` and status
   * 200, for single-page apps that route in the browser.
   *
   * @default false
   */
  readonly singlePageApp?: boolean;

  /**
   * ARN of a CLOUDFRONT-scope web ACL to attach.
   *
   * @default - no web ACL
   */
  readonly webAclArn?: string;

  /**
   * Write CloudFront standard logs and the bucket's server access logs to a log bucket.
   *
   * @default true
   */
  readonly accessLogs?: boolean;

  /**
   * Days access logs are kept before they expire.
   *
   * @default 90
   */
  readonly accessLogRetentionDays?: number;

  /**
   * Customer managed key that encrypts the site's bucket (SSE-KMS); CloudFront is allowed to use it.
   *
   * @default - S3-managed keys (SSE-S3)
   */
  readonly encryptionKey?: kms.IKey;
}

/** The default Content-Security-Policy of a static site. */
export const STATIC_SITE_CSP = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline';"
  + " img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'self';"
  + " object-src 'none'; base-uri 'self'; form-action 'self'";
