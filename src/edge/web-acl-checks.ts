import { Token } from 'aws-cdk-lib';
import type { PlatformWebAclOptions, PlatformWebAclProps } from './web-acl-options';
import { WebAclScope } from './web-acl-options';
import { checkInteger, invalid } from '../private/validation';

/** Validates web ACL options; `prefix` names the props in error messages. */
export function validateWebAclOptions(options: PlatformWebAclOptions, prefix: string): void {
  checkInteger(`${prefix}.rateLimitPerIp`, options.rateLimitPerIp, 10, 2_000_000_000);
}

/**
 * Validates the props of a stand-alone web ACL in a stack in `region`: CLOUDFRONT-scope web ACLs
 * exist only in us-east-1.
 */
export function validateWebAclProps(props: PlatformWebAclProps, region: string, prefix: string): void {
  validateWebAclOptions(props, prefix);
  const name = props.webAclName;
  if (name !== undefined && !Token.isUnresolved(name) && !/^[A-Za-z0-9_-]{1,50}$/.test(name)) {
    invalid(`${prefix}.webAclName`, name, 'Use 1 to 50 letters, digits, hyphens and underscores.');
  }
  checkCloudFrontRegion(props.webAclScope, region, `${prefix}.webAclScope`);
}

/** CloudFront-scope web ACLs can only be created in us-east-1. */
export function checkCloudFrontRegion(scope: WebAclScope, region: string, prop: string): void {
  if (scope === WebAclScope.CLOUDFRONT && region !== 'us-east-1') {
    invalid(prop, scope, `A CLOUDFRONT-scope web ACL must be created in a stack in us-east-1; this stack's region is ${
      Token.isUnresolved(region) ? 'not set (environment-agnostic)' : region}. Deploy the stack to us-east-1, or create the web ACL in a us-east-1 stack and pass its ARN.`);
  }
}
