import { Duration } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';

/** A custom domain served over HTTPS. */
export interface PlatformDomainOptions {
  /** The site's domain name, e.g. `blog.example.com`. */
  readonly domainName: string;

  /** The Route 53 public hosted zone the domain belongs to; alias records are created in it. */
  readonly hostedZone: route53.IHostedZone;

  /**
   * Certificate for `domainName` in the stack's region.
   *
   * @default - a DNS-validated ACM certificate is issued through `hostedZone`
   */
  readonly certificate?: acm.ICertificate;
}

/** Settings of the public Application Load Balancer. */
export interface PlatformLoadBalancerOptions {
  /**
   * Refuse to delete the load balancer, whatever CloudFormation asks.
   *
   * @default true
   */
  readonly deletionProtection?: boolean;

  /**
   * How long a deregistering target keeps serving its in-flight requests (0 to 3600 seconds).
   *
   * @default Duration.seconds(30)
   */
  readonly deregistrationDelay?: Duration;

  /**
   * How long the load balancer keeps an idle connection open (1 to 4000 seconds); a request that sends
   * no data for this long is cut off. The load balancer must close idle connections before the services
   * do, or requests race a closing connection and fail with 502. Next.js keeps its connections open
   * 5 seconds longer than this; Hasura closes idle connections after 30 to 60 seconds and offers no
   * setting for it, so a value above 29 seconds is warned about at synth time.
   *
   * @default Duration.seconds(25)
   */
  readonly idleTimeout?: Duration;

  /**
   * Write access logs to an encrypted, private, TLS-only S3 bucket.
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
   * ARN of a regional AWS WAF web ACL to associate with the load balancer.
   *
   * @default - no web ACL
   */
  readonly webAclArn?: string;
}
