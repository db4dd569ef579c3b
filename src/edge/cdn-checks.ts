import { Stack, Token } from 'aws-cdk-lib';
import type * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type { PlatformCdnOptions } from './cdn-options';
import { checkInteger, invalid } from '../private/validation';

const CLOUDFRONT_WEB_ACL_ARN = /^arn:aws[a-z-]*:wafv2:us-east-1:\d{12}:global\/webacl\/[^/]+\/[^/]+$/;

/** Validates CDN options for a stack; `prefix` names the props in error messages. */
export function validateCdnOptions(options: PlatformCdnOptions, stack: Stack, prefix: string): void {
  validateDistributionSettings(options, stack, prefix);
  checkInteger(`${prefix}.originReadTimeoutSeconds`, options.originReadTimeoutSeconds, 1, 120);
  if (options.originFacingPrefixList === undefined && (Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region))) {
    invalid(`${prefix}.originFacingPrefixList`, undefined, 'Looking up com.amazonaws.global.cloudfront.origin-facing needs'
      + ' a stack with an explicit account and region: set the stack\'s env, or pass the prefix list'
      + ' (ec2.PrefixList.fromPrefixListId with the ID `aws ec2 describe-managed-prefix-lists` shows).');
  }
}

/** What every CloudFront distribution of this library is configured with. */
export interface DistributionSettings {
  readonly certificate?: acm.ICertificate;
  readonly webAclArn?: string;
  readonly accessLogs?: boolean;
  readonly accessLogRetentionDays?: number;
}

/** Validates the settings any distribution has: certificate region, web ACL ARN, access logs. */
export function validateDistributionSettings(options: DistributionSettings, stack: Stack, prefix: string): void {
  checkInteger(`${prefix}.accessLogRetentionDays`, options.accessLogRetentionDays, 1, 3650);
  if (options.accessLogs === false && options.accessLogRetentionDays !== undefined) {
    invalid(`${prefix}.accessLogRetentionDays`, options.accessLogRetentionDays, 'It has no effect with accessLogs off.');
  }
  const webAclArn = options.webAclArn;
  if (webAclArn !== undefined && !Token.isUnresolved(webAclArn) && !CLOUDFRONT_WEB_ACL_ARN.test(webAclArn)) {
    invalid(`${prefix}.webAclArn`, webAclArn, 'Use the ARN of a CLOUDFRONT-scope WAFv2 web ACL'
      + ' (arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>).');
  }
  const certificate = options.certificate;
  if (certificate === undefined) {
    if (stack.region !== 'us-east-1') {
      invalid(`${prefix}.certificate`, undefined, `CloudFront only uses ACM certificates from us-east-1 and this stack's region is ${
        Token.isUnresolved(stack.region) ? 'not set' : stack.region}: pass a certificate for the domain issued in us-east-1, or deploy the stack to us-east-1.`);
    }
  } else if (!Token.isUnresolved(certificate.certificateArn) && certificate.certificateArn.split(':')[3] !== 'us-east-1') {
    invalid(`${prefix}.certificate`, certificate.certificateArn, 'CloudFront only uses ACM certificates from us-east-1.');
  }
}
