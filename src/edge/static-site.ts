import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { securityHeadersPolicy } from './security-headers';
import { validateStaticSiteProps } from './static-site-checks';
import { STATIC_SITE_CSP, StaticSiteProps } from './static-site-options';
import { acknowledge, nistAndHipaa } from '../private/acknowledge';
import { acknowledgeBucketDeployment } from '../private/bucket-deployment';
import { cloudFrontLogBucket } from '../private/log-bucket';
import { siteCertificate, siteDistribution } from '../private/site-distribution';

/**
 * A static website such as a Storybook or documentation: a private, encrypted, versioned and retained
 * bucket that only CloudFront reads (origin access control), served over HTTPS on a custom domain
 * with security headers (HSTS, nosniff, frame options, referrer policy, CSP), A and AAAA alias
 * records, access logs, and optionally a local folder uploaded at every deployment.
 */
export class StaticSite extends Construct {
  /** The bucket that holds the site. */
  public readonly bucket: s3.Bucket;
  /** The distribution. */
  public readonly distribution: cloudfront.Distribution;
  /** The certificate the distribution serves (in us-east-1). */
  public readonly certificate: acm.ICertificate;
  /** The log bucket, when access logs are on. */
  public readonly accessLogBucket?: s3.Bucket;
  /** The upload of `sourcePath`, when given. */
  public readonly deployment?: s3deploy.BucketDeployment;
  /** The site's origin, `https://<domainName>`. */
  public readonly siteUrl: string;

  constructor(scope: Construct, id: string, props: StaticSiteProps) {
    super(scope, id);
    // S3 server access logs are granted through the log bucket's policy rather than the legacy
    // LogDeliveryWrite ACL (aws-cdk-lib's flag, set for this construct's own subtree only).
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
    validateStaticSiteProps(props, Stack.of(this));

    const accessLogs = props.accessLogs ?? true;
    if (accessLogs) {
      this.accessLogBucket = cloudFrontLogBucket(this, 'AccessLogs', props.accessLogRetentionDays ?? 90);
    }

    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: props.encryptionKey ? s3.BucketEncryption.KMS : s3.BucketEncryption.S3_MANAGED,
      encryptionKey: props.encryptionKey,
      bucketKeyEnabled: props.encryptionKey !== undefined,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.RETAIN,
      serverAccessLogsBucket: this.accessLogBucket,
      serverAccessLogsPrefix: accessLogs ? 's3/' : undefined,
    });
    acknowledge(this.bucket, 'Published content that is rebuilt from its source and uploaded again by any deployment;'
      + ' a replica in another region would protect nothing.', ...nistAndHipaa('S3BucketReplicationEnabled'));
    if (!props.encryptionKey) {
      acknowledge(this.bucket, 'Content published to everyone through CloudFront: SSE-S3 encrypts it at rest; pass'
        + ' encryptionKey for SSE-KMS.', ...nistAndHipaa('S3DefaultEncryptionKMS'));
    }
    if (!accessLogs) {
      acknowledge(this.bucket, 'Access logs were turned off explicitly (staticSite.accessLogs is false).',
        'AwsSolutions-S1', ...nistAndHipaa('S3BucketLoggingEnabled'));
    }

    const site = { ...props, prefix: 'staticSite', accessLogBucket: this.accessLogBucket };
    this.certificate = siteCertificate(this, site);

    const rootObject = props.defaultRootObject ?? 'index.html';
    const spaErrors = (props.singlePageApp ?? false)
      ? [403, 404].map((httpStatus) => ({ httpStatus, responseHttpStatus: 200, responsePagePath: `/${rootObject}`, ttl: Duration.seconds(10) }))
      : undefined;

    this.distribution = siteDistribution(this, site, this.certificate, {
      comment: `${props.domainName}: static site`,
      defaultRootObject: rootObject,
      errorResponses: spaErrors,
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD_OPTIONS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        compress: true,
        responseHeadersPolicy: securityHeadersPolicy(this, 'SecurityHeaders', {
          override: true,
          contentSecurityPolicy: props.contentSecurityPolicy ?? STATIC_SITE_CSP,
        }),
      },
    });

    if (props.sourcePath !== undefined) {
      this.deployment = new s3deploy.BucketDeployment(this, 'Deployment', {
        sources: [s3deploy.Source.asset(props.sourcePath)],
        destinationBucket: this.bucket,
        distribution: this.distribution,
        distributionPaths: ['/*'],
      });
      acknowledgeBucketDeployment(this.deployment);
    }

    this.siteUrl = `https://${props.domainName}`;
  }
}
