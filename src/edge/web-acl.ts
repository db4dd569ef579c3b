import { ArnFormat, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { GRAPHQL_PATHS } from './paths';
import { validateWebAclProps } from './web-acl-checks';
import { PlatformWebAclProps, WebAclScope } from './web-acl-options';
import { logsEncryptionKey } from '../private/logs-key';

/**
 * The common rule set's rules that inspect request bodies, which GraphQL documents trip (large bodies,
 * HTML or URLs in mutation variables): they only label, and a rule of ours blocks what they labelled
 * except on the GraphQL endpoints. The labels end in `_Body` (AWS WAF Developer Guide, "Core rule set
 * (CRS) managed rule group").
 */
const BODY_RULES = ['SizeRestrictions_BODY', 'CrossSiteScripting_BODY', 'GenericRFI_BODY', 'GenericLFI_BODY', 'EC2MetaDataSSRF_BODY'];
const bodyLabel = (rule: string) => `awswaf:managed:aws:core-rule-set:${rule.replace(/_BODY$/, '_Body')}`;

/** Where Next.js serves its build's immutable assets: every page view fetches many, so the rate limit skips them. */
const STATIC_ASSETS_PREFIX = '/_next/static/';

/** Request headers that carry credentials; they are redacted from the logs. */
const REDACTED_HEADERS = ['authorization', 'cookie', 'x-hasura-admin-secret'];

/**
 * A WAFv2 web ACL for a site with a GraphQL API: a rate-based rule per client IP (which does not count
 * `/_next/static/` files), then the AWS managed IP reputation list, common rule set and known bad
 * inputs rule set. The common rule set's body rules (size, cross-site scripting, remote and local file
 * inclusion, metadata SSRF) only label; a rule of its own blocks what they labelled everywhere except
 * on Hasura's GraphQL endpoints, whose request bodies are GraphQL documents that may carry HTML or URLs. Every request is logged to an
 * encrypted `aws-waf-logs-` log group, with credentials redacted. `countOnly` makes every rule count
 * instead of block, for tuning.
 */
export class PlatformWebAcl extends Construct {
  /** The web ACL. */
  public readonly webAcl: wafv2.CfnWebACL;
  /** The web ACL's ARN, for `loadBalancer.webAclArn` or a distribution's `webAclId`. */
  public readonly webAclArn: string;
  /** The web ACL's name, the `WebACL` dimension of its metrics. */
  public readonly webAclName: string;
  /** Where the web ACL can be attached: a CloudFront distribution or a regional resource. */
  public readonly webAclScope: WebAclScope;
  /** The log group the web ACL logs to. */
  public readonly logGroup: logs.LogGroup;
  /** The key that encrypts the log group. */
  public readonly encryptionKey: kms.IKey;

  constructor(scope: Construct, id: string, props: PlatformWebAclProps) {
    super(scope, id);
    const stack = Stack.of(this);
    validateWebAclProps(props, stack.region, 'webAcl');

    const name = props.webAclName ?? Names.uniqueResourceName(this, { maxLength: 50, separator: '-' });
    const block = !(props.countOnly ?? false);
    const ruleAction = block ? { block: {} } : { count: {} };
    const groupOverride = block ? { none: {} } : { count: {} };
    const visibility = (metricName: string) => ({ cloudWatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true });
    const managed = (priority: number, ruleName: string, ruleActionOverrides?: wafv2.CfnWebACL.RuleActionOverrideProperty[]) => ({
      name: ruleName,
      priority,
      overrideAction: groupOverride,
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: ruleName, ruleActionOverrides } },
      visibilityConfig: visibility(ruleName),
    });

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name,
      scope: props.webAclScope,
      defaultAction: { allow: {} },
      visibilityConfig: visibility(name),
      rules: [
        {
          name: 'RateLimitPerIp',
          priority: 0,
          action: ruleAction,
          statement: {
            rateBasedStatement: {
              aggregateKeyType: 'IP',
              evaluationWindowSec: 300,
              limit: props.rateLimitPerIp ?? 2000,
              // Counts pages and API calls, not the dozens of static files each page view loads.
              scopeDownStatement: { notStatement: { statement: pathStartsWith(STATIC_ASSETS_PREFIX) } },
            },
          },
          visibilityConfig: visibility('RateLimitPerIp'),
        },
        managed(1, 'AWSManagedRulesAmazonIpReputationList'),
        managed(2, 'AWSManagedRulesCommonRuleSet', BODY_RULES.map((rule) => ({ name: rule, actionToUse: { count: {} } }))),
        {
          name: 'BodyRulesOutsideGraphql',
          priority: 3,
          action: ruleAction,
          statement: {
            andStatement: {
              statements: [
                { orStatement: { statements: BODY_RULES.map((rule) => ({ labelMatchStatement: { scope: 'LABEL', key: bodyLabel(rule) } })) } },
                { notStatement: { statement: { orStatement: { statements: GRAPHQL_PATHS.map(exactPath) } } } },
              ],
            },
          },
          visibilityConfig: visibility('BodyRulesOutsideGraphql'),
        },
        managed(4, 'AWSManagedRulesKnownBadInputsRuleSet'),
      ],
    });
    this.webAclArn = this.webAcl.attrArn;
    this.webAclName = name;
    this.webAclScope = props.webAclScope;

    this.encryptionKey = props.encryptionKey ?? logsEncryptionKey(this, 'EncryptionKey', `${name}: encrypts the web ACL's logs`);
    const logGroupName = `aws-waf-logs-${name}`;
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName,
      encryptionKey: this.encryptionKey,
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      // Security records outlive the stack; a failed first creation leaves no fixed-name group behind.
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    const logging = new wafv2.CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      // WAF wants the log group's ARN without the `:*` suffix of LogGroup.logGroupArn.
      logDestinationConfigs: [stack.formatArn({
        service: 'logs', resource: 'log-group', resourceName: logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      })],
      redactedFields: REDACTED_HEADERS.map((header) => ({ singleHeader: { Name: header } })),
    });
    logging.node.addDependency(this.logGroup);
  }
}

/** Matches requests whose path starts with `prefix`. */
function pathStartsWith(prefix: string): wafv2.CfnWebACL.StatementProperty {
  return {
    byteMatchStatement: {
      fieldToMatch: { uriPath: {} },
      positionalConstraint: 'STARTS_WITH',
      searchString: prefix,
      textTransformations: [{ priority: 0, type: 'NONE' }],
    },
  };
}

/** Matches requests whose path is exactly `path`. */
function exactPath(path: string): wafv2.CfnWebACL.StatementProperty {
  return {
    byteMatchStatement: {
      fieldToMatch: { uriPath: {} },
      positionalConstraint: 'EXACTLY',
      searchString: path,
      textTransformations: [{ priority: 0, type: 'NONE' }],
    },
  };
}
