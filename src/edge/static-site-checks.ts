import * as fs from 'fs';
import * as path from 'path';
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
  checkSourcePath(props.sourcePath, root ?? 'index.html');
}

/**
 * The uploaded folder must exist (aws-cdk-lib's own error names only the path) and hold the root object,
 * without which CloudFront answers `/` with 403 from the private bucket. A `.zip` file is uploaded as
 * its contents (`s3deploy.Source.asset`), and is not opened here.
 */
function checkSourcePath(sourcePath: string | undefined, rootObject: string): void {
  if (sourcePath === undefined || Token.isUnresolved(sourcePath)) {
    return;
  }
  const prop = 'staticSite.sourcePath';
  const resolved = path.resolve(sourcePath);
  if (!fs.existsSync(resolved)) {
    invalid(prop, sourcePath, `Nothing is there (resolved against ${process.cwd()}). Build the site first, e.g. \`npm run build-storybook\``
      + ' writes storybook-static/, and give that folder (or a .zip file of it).');
  }
  if (fs.statSync(resolved).isDirectory()) {
    if (!Token.isUnresolved(rootObject) && !fs.existsSync(path.join(resolved, rootObject))) {
      invalid(prop, sourcePath, `The folder has no ${rootObject} (staticSite.defaultRootObject), so the site's root would answer`
        + ' 403 Forbidden. Give the folder the build writes its pages to.');
    }
  } else if (!/\.zip$/i.test(resolved)) {
    invalid(prop, sourcePath, 'Give a folder (the built site) or a .zip file of one.');
  }
}
