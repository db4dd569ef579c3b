import { Stack, Token } from 'aws-cdk-lib';
import { validateDistributionSettings } from './cdn-checks';
import { validateDomainOptions } from './load-balancer-checks';
import type { StaticSiteProps } from './static-site-options';
import { invalid } from '../private/validation';

/** Validates the props of a static site in `stack`. */
export function validateStaticSiteProps(props: StaticSiteProps, stack: Stack): void {
  validateDomainOptions({ domainName: props.domainName, hostedZone: props.hostedZone }, 'staticSite');
  // The distribution settings a static site shares with the CDN are checked the same way.
  validateDistributionSettings(props, stack, 'staticSite');
  const csp = props.contentSecurityPolicy;
  if (csp !== undefined && !Token.isUnresolved(csp) && (csp.trim() === '' || /[\r\n]/.test(csp))) {
    invalid('staticSite.contentSecurityPolicy', csp, 'Use a non-empty policy on one line, directives separated by ";".');
  }
  const root = props.defaultRootObject;
  if (root !== undefined && !Token.isUnresolved(root) && (root === '' || root.startsWith('/'))) {
    invalid('staticSite.defaultRootObject', root, 'Use an object key without a leading slash, e.g. "index.html".');
  }
}
