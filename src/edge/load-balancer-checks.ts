import { Token } from 'aws-cdk-lib';
import type { PlatformDomainOptions, PlatformLoadBalancerOptions } from './load-balancer-options';
import { checkDurationSeconds, checkInteger, invalid } from '../private/validation';

/** Paths of Hasura that the public listeners route to it; every other path goes to Next.js. */
export const PUBLIC_HASURA_PATHS = ['/v1/graphql', '/v1beta1/relay', '/healthz'];

/** Where Hasura serves its RESTified endpoints, when they are routed to it. */
export const RESTIFIED_PATH_PATTERN = '/api/rest/*';

/** The port of the Hasura console listener. */
export const CONSOLE_PORT = 8080;

/**
 * Validates load balancer options; `prefix` names the props in error messages.
 */
export function validateLoadBalancerOptions(options: PlatformLoadBalancerOptions, prefix: string): void {
  checkDurationSeconds(`${prefix}.deregistrationDelay`, options.deregistrationDelay, 0, 3600);
  checkDurationSeconds(`${prefix}.idleTimeout`, options.idleTimeout, 1, 4000);
  checkInteger(`${prefix}.accessLogRetentionDays`, options.accessLogRetentionDays, 1, 3650);
  const webAclArn = options.webAclArn;
  if (webAclArn !== undefined && !Token.isUnresolved(webAclArn)
    && !/^arn:aws[a-z-]*:wafv2:[a-z0-9-]+:\d{12}:regional\/webacl\/[^/]+\/[^/]+$/.test(webAclArn)) {
    invalid(`${prefix}.webAclArn`, webAclArn, 'Use the ARN of a regional WAFv2 web ACL (arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>).');
  }
  if (options.accessLogs === false && options.accessLogRetentionDays !== undefined) {
    invalid(`${prefix}.accessLogRetentionDays`, options.accessLogRetentionDays, 'It has no effect with accessLogs off.');
  }
}

/**
 * Validates a custom domain; `prefix` names the props in error messages.
 */
export function validateDomainOptions(domain: PlatformDomainOptions | undefined, prefix: string): void {
  if (domain === undefined || Token.isUnresolved(domain.domainName)) {
    return;
  }
  const name = domain.domainName;
  const label = '[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?';
  if (name.length > 253 || !new RegExp(`^(${label}\\.)+${label}$`).test(name)) {
    invalid(`${prefix}.domainName`, name, 'Use a lower-case fully qualified domain name such as "blog.example.com".');
  }
  const zoneName = Token.isUnresolved(domain.hostedZone.zoneName) ? undefined : domain.hostedZone.zoneName.replace(/\.$/, '');
  if (zoneName !== undefined && name !== zoneName && !name.endsWith(`.${zoneName}`)) {
    invalid(`${prefix}.domainName`, name, `It must be in the hosted zone ${zoneName}.`);
  }
}

/** Why the console listener cannot exist on an internal load balancer behind the CDN. */
export const CONSOLE_BEHIND_CDN = 'Behind CloudFront (behindCloudFront, or cdn on the platform) the load balancer is internal and opens nothing to the'
  + ' internet, so hasura.console.allowedCidrs cannot admit anyone: unset hasura.console and reach the console'
  + ' through ECS Exec and a port forward instead (see the README).';

/** An internal load balancer serves HTTPS only, so it needs a domain and its certificate. */
export function validateBehindCloudFront(behindCloudFront: boolean | undefined, domain: PlatformDomainOptions | undefined): void {
  if (behindCloudFront && domain === undefined) {
    invalid('behindCloudFront', true, 'An internal load balancer behind CloudFront serves HTTPS only: set domain too.');
  }
}
