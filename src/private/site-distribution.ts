import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge } from './acknowledge';

/** What every CloudFront site of the platform is given: its name, zone and optional parts. */
export interface SiteDistributionSpec {
  /** Prop prefix for messages, e.g. `cdn`. */
  readonly prefix: string;
  readonly domainName: string;
  readonly hostedZone: route53.IHostedZone;
  /** A certificate of the user's, in us-east-1; otherwise one is issued through the zone. */
  readonly certificate?: acm.ICertificate;
  readonly webAclArn?: string;
  /** Where standard logs go; no logs without it. */
  readonly accessLogBucket?: s3.IBucket;
}

/** The certificate a site serves: the one given, or a DNS-validated one issued in `scope` as `Certificate`. */
export function siteCertificate(scope: Construct, spec: SiteDistributionSpec): acm.ICertificate {
  return spec.certificate ?? new acm.Certificate(scope, 'Certificate', {
    domainName: spec.domainName,
    validation: acm.CertificateValidation.fromDns(spec.hostedZone),
  });
}

/**
 * Creates, in `scope` as `Distribution`, a distribution for the site's domain with the platform's edge
 * defaults (TLS 1.2 2021 policy, HTTP/2 and 3, IPv6, standard logs when a bucket is given, the web ACL),
 * plus `extra`, and points A and AAAA alias records of the domain at it.
 */
export function siteDistribution(scope: Construct, spec: SiteDistributionSpec, certificate: acm.ICertificate,
  extra: Omit<cloudfront.DistributionProps, 'domainNames' | 'certificate'>): cloudfront.Distribution {
  const accessLogs = spec.accessLogBucket !== undefined;
  const distribution = new cloudfront.Distribution(scope, 'Distribution', {
    ...extra,
    domainNames: [spec.domainName],
    certificate,
    minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
    httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
    enableIpv6: true,
    enableLogging: accessLogs,
    logBucket: spec.accessLogBucket,
    logFilePrefix: accessLogs ? 'cloudfront/' : undefined,
    webAclId: spec.webAclArn,
  });
  if (!accessLogs) {
    acknowledge(distribution, `Access logs were turned off explicitly (${spec.prefix}.accessLogs is false).`, 'AwsSolutions-CFR3');
  }
  acknowledge(distribution, 'The site is meant for visitors anywhere; which countries to refuse is a business'
    + ' decision, so no geo restriction is imposed.', 'AwsSolutions-CFR1');
  if (spec.webAclArn === undefined) {
    acknowledge(distribution, 'No web ACL was given (webAcl or a web ACL ARN). WAF rules must be tuned to the'
      + ' application, so none is imposed; PlatformWebAcl offers a managed one.', 'AwsSolutions-CFR2');
  }

  const target = route53.RecordTarget.fromAlias(new route53targets.CloudFrontTarget(distribution));
  new route53.ARecord(scope, 'AliasRecord', { zone: spec.hostedZone, recordName: spec.domainName, target });
  new route53.AaaaRecord(scope, 'AliasRecordIpv6', { zone: spec.hostedZone, recordName: spec.domainName, target });
  return distribution;
}
