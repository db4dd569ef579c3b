import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';

/** Settings of the CloudFront distribution in front of the platform's load balancer. */
export interface PlatformCdnOptions {
  /**
   * Certificate for the domain in **us-east-1**, where CloudFront reads certificates from. Needed
   * when the stack is in another region (create it in a us-east-1 stack and pass it, e.g. with
   * `crossRegionReferences`); a stack in another region without it fails at synth.
   *
   * @default - in a us-east-1 stack, the domain's certificate (the platform's) or a new DNS-validated one
   */
  readonly certificate?: acm.ICertificate;

  /**
   * The prefix list the load balancer admits HTTPS from: the AWS-managed
   * `com.amazonaws.global.cloudfront.origin-facing` list of the stack's region, which covers the
   * addresses CloudFront's VPC origins connect from. One reference counts as 55 rules toward the
   * security group's rule quota (60 by default).
   *
   * @default - looked up by name at synth time (the stack needs an account and a region)
   */
  readonly originFacingPrefixList?: ec2.IPrefixList;

  /**
   * ARN of a web ACL of your own with CLOUDFRONT scope
   * (`arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>`). The platform's `webAcl` and this
   * exclude each other.
   *
   * @default - no web ACL, unless the platform's `webAcl` is set
   */
  readonly webAclArn?: string;

  /**
   * Write CloudFront standard logs to an encrypted, private, TLS-only S3 bucket.
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
   * Local path of the `.next/static` folder of the **same** `next build` that produced the Next.js
   * image. Its files are uploaded at deploy time under `_next/static/` to a bucket that keeps
   * every earlier build's files, and CloudFront serves `/_next/static/*` from there: during a rolling
   * deployment, pages of the old and the new build both find their chunks.
   *
   * @default - `/_next/static/*` is served by the Next.js tasks and cached by CloudFront
   */
  readonly nextStaticAssetsPath?: string;

  /**
   * How long CloudFront waits for a response from the load balancer, in seconds (1 to 120 without a
   * quota increase). The load balancer itself answers 504 to a request that sends no data for its idle
   * timeout, so a longer wait here gains nothing.
   *
   * @default - 5 seconds more than the load balancer's idle timeout in a platform (30); 30 otherwise
   */
  readonly originReadTimeoutSeconds?: number;

  /**
   * Let the Next.js app invalidate the distribution's cache after its content changed (e.g. from a
   * route that Hasura's event trigger calls): the tasks get the distribution's id as
   * `CLOUDFRONT_DISTRIBUTION_ID`, and their role may call `cloudfront:CreateInvalidation` on this
   * distribution only. The first 1,000 paths a month are free, then $0.005 each.
   *
   * @default false
   */
  readonly nextjsInvalidation?: boolean;
}

/** Props of `PlatformCdn`. */
export interface PlatformCdnProps extends PlatformCdnOptions {
  /**
   * The internal load balancer to put behind CloudFront. It must serve HTTPS on port 443 with a
   * certificate for `domainName`, and route paths as `PlatformLoadBalancer` does.
   */
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;

  /** The site's domain name, e.g. `mix.day`. CloudFront serves it and reaches the origin with it. */
  readonly domainName: string;

  /** The Route 53 public hosted zone of `domainName`; A and AAAA alias records are created in it. */
  readonly hostedZone: route53.IHostedZone;
}
