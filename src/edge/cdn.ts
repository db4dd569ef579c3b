import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { validateCdnOptions } from './cdn-checks';
import { PlatformCdnProps } from './cdn-options';
import { API_ROUTES_PATH_PATTERN, GRAPHQL_PATHS, NEXT_IMAGE_PATH_PATTERN, NEXT_STATIC_PATH_PATTERN, RSC_CACHE_KEY_HEADERS } from './paths';
import { IMMUTABLE, immutableCachePolicy, securityHeadersPolicy } from './security-headers';
import { acknowledge, nistAndHipaa } from '../private/acknowledge';
import { acknowledgeBucketDeployment } from '../private/bucket-deployment';
import { cloudFrontLogBucket } from '../private/log-bucket';
import { siteCertificate, siteDistribution } from '../private/site-distribution';

/** The AWS-managed prefix list of the addresses CloudFront connects to origins from. */
export const CLOUDFRONT_ORIGIN_FACING = 'com.amazonaws.global.cloudfront.origin-facing';

/**
 * CloudFront in front of an internal Application Load Balancer, reached through a CloudFront VPC
 * origin over HTTPS, so the load balancer has no public address and admits only CloudFront.
 *
 * - `/_next/static/*`: content-hashed build files, cached a year and marked immutable, compressed;
 *   from the load balancer, or from a bucket that keeps every build's files (`nextStaticAssetsPath`).
 * - pages (every other path): cached for as long as Next.js's `Cache-Control` allows (static and ISR
 *   pages; dynamic pages say `private, no-store` and are not), keyed on the path, every query string
 *   (`_rsc` included), the headers that make an RSC payload differ from HTML (`rsc`,
 *   `next-router-prefetch`, `next-router-state-tree`, `next-router-segment-prefetch`, `next-url`) and
 *   the draft-mode cookie, so RSC payloads and HTML never mix; every viewer header and cookie still
 *   reaches the server.
 * - `/_next/image*`: optimized images, cached as Next.js says, keyed on `url`, `w`, `q`, `dpl` and
 *   `Accept` (which picks the format).
 * - `/v1/graphql`, `/v1beta1/relay` and `/api/*`: never cached, all methods, every viewer header
 *   (`Authorization` included), cookie and query string passed on except `Host` (the origin sees the
 *   domain name, which its certificate covers); websockets pass.
 *
 * HTTPS only (HTTP redirects), TLS 1.2 (2021 policy) or later, HTTP/2 and HTTP/3, IPv6, standard logs
 * to a bucket, and A and AAAA alias records for the domain.
 */
export class PlatformCdn extends Construct {
  /** The distribution. */
  public readonly distribution: cloudfront.Distribution;
  /** The certificate the distribution serves (in us-east-1). */
  public readonly certificate: acm.ICertificate;
  /** The prefix list the load balancer admits HTTPS from. */
  public readonly originFacingPrefixList: ec2.IPrefixList;
  /** The bucket of CloudFront's standard logs, when access logs are on. */
  public readonly accessLogBucket?: s3.Bucket;
  /** The bucket that serves `/_next/static/*`, when `nextStaticAssetsPath` is set. */
  public readonly staticAssetsBucket?: s3.Bucket;
  /** The site's origin, `https://<domainName>`. */
  public readonly siteUrl: string;

  constructor(scope: Construct, id: string, props: PlatformCdnProps) {
    super(scope, id);
    validateCdnOptions(props, Stack.of(this), 'cdn');

    const site = { ...props, prefix: 'cdn' };
    this.certificate = siteCertificate(this, site);

    this.originFacingPrefixList = props.originFacingPrefixList
      ?? ec2.PrefixList.fromLookup(this, 'OriginFacing', { prefixListName: CLOUDFRONT_ORIGIN_FACING });
    props.loadBalancer.connections.allowFrom(this.originFacingPrefixList, ec2.Port.tcp(443),
      'HTTPS from CloudFront (VPC origin)');

    const loadBalancerOrigin = origins.VpcOrigin.withApplicationLoadBalancer(props.loadBalancer, {
      // CloudFront connects with this name (SNI and certificate check), so the load balancer's
      // certificate for the domain is valid for it; the load balancer's own DNS name is not.
      domainName: props.domainName,
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
      httpsPort: 443,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      readTimeout: Duration.seconds(props.originReadTimeoutSeconds ?? 30),
    });

    // The application's own headers win; these fill in what it does not send.
    const securityHeaders = securityHeadersPolicy(this, 'SecurityHeaders', { override: false });
    const dynamic: cloudfront.BehaviorOptions = {
      origin: loadBalancerOrigin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: securityHeaders,
    };
    const pages: cloudfront.BehaviorOptions = {
      ...dynamic,
      cachePolicy: pageCachePolicy(this, 'PageCachePolicy'),
      compress: true,
    };
    const images: cloudfront.BehaviorOptions = {
      origin: loadBalancerOrigin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
      cachePolicy: imageCachePolicy(this, 'ImageCachePolicy'),
      responseHeadersPolicy: securityHeaders,
    };

    this.staticAssetsBucket = props.nextStaticAssetsPath === undefined
      ? undefined : this.createStaticAssets(props.nextStaticAssetsPath);
    const staticOrigin = this.staticAssetsBucket === undefined
      ? loadBalancerOrigin : origins.S3BucketOrigin.withOriginAccessControl(this.staticAssetsBucket);
    const immutable: cloudfront.BehaviorOptions = {
      origin: staticOrigin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD_OPTIONS,
      cachedMethods: cloudfront.CachedMethods.CACHE_GET_HEAD_OPTIONS,
      cachePolicy: immutableCachePolicy(this, 'StaticCachePolicy'),
      compress: true,
      responseHeadersPolicy: securityHeadersPolicy(this, 'StaticHeaders', { override: false, cacheControl: IMMUTABLE }),
    };

    const accessLogs = props.accessLogs ?? true;
    if (accessLogs) {
      this.accessLogBucket = cloudFrontLogBucket(this, 'AccessLogs', props.accessLogRetentionDays ?? 90);
    }

    this.distribution = siteDistribution(this, { ...site, accessLogBucket: this.accessLogBucket }, this.certificate, {
      comment: `${props.domainName}: Next.js and Hasura through a VPC origin`,
      defaultBehavior: pages,
      additionalBehaviors: {
        [NEXT_STATIC_PATH_PATTERN]: immutable,
        [NEXT_IMAGE_PATH_PATTERN]: images,
        [API_ROUTES_PATH_PATTERN]: dynamic,
        ...Object.fromEntries(GRAPHQL_PATHS.map((path) => [path, dynamic])),
      },
    });
    this.siteUrl = `https://${props.domainName}`;
  }

  /** A bucket that keeps every build's `.next/static` files, filled at deploy time without pruning. */
  private createStaticAssets(localPath: string): s3.Bucket {
    const bucket = new s3.Bucket(this, 'StaticAssets', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(bucket, 'Build output that every visitor downloads through CloudFront; it is reproducible from the'
      + ' application\'s source, so neither server access logs nor a replica protect anything.',
    'AwsSolutions-S1', ...nistAndHipaa('S3BucketLoggingEnabled'), ...nistAndHipaa('S3BucketReplicationEnabled'));
    acknowledge(bucket, 'Public JavaScript and CSS of the site: SSE-S3 encrypts it at rest; a KMS key would only add'
      + ' a key policy for CloudFront and a cost per request.', ...nistAndHipaa('S3DefaultEncryptionKMS'));
    const deployment = new s3deploy.BucketDeployment(this, 'StaticAssetsDeployment', {
      sources: [s3deploy.Source.asset(localPath)],
      destinationBucket: bucket,
      destinationKeyPrefix: '_next/static/',
      // Earlier builds' chunks stay, so pages rendered by tasks of the previous build still load.
      prune: false,
      retainOnDelete: true,
      cacheControl: [s3deploy.CacheControl.fromString(IMMUTABLE)],
    });
    acknowledgeBucketDeployment(deployment);
    return bucket;
  }
}

/** The longest CloudFront keeps anything the origin allows it to: a year, as Next.js says of static pages. */
const ONE_YEAR = Duration.days(365);

/**
 * Pages cached for as long as the origin's `Cache-Control` says, and not at all when it says nothing;
 * keyed so that an RSC payload and the HTML of the same URL are two entries.
 */
function pageCachePolicy(scope: Construct, id: string): cloudfront.CachePolicy {
  return new cloudfront.CachePolicy(scope, id, {
    comment: 'Next.js pages: as Cache-Control says; RSC payloads apart from HTML',
    defaultTtl: Duration.seconds(0),
    minTtl: Duration.seconds(0),
    maxTtl: ONE_YEAR,
    queryStringBehavior: cloudfront.CacheQueryStringBehavior.all(),
    headerBehavior: cloudfront.CacheHeaderBehavior.allowList(...RSC_CACHE_KEY_HEADERS),
    // Draft mode renders per request; its cookie keeps drafts out of everyone else's cache entries.
    cookieBehavior: cloudfront.CacheCookieBehavior.allowList(NEXT_DRAFT_MODE_COOKIE),
    enableAcceptEncodingGzip: true,
    enableAcceptEncodingBrotli: true,
  });
}

/** Optimized images, keyed on what the image optimizer reads: `url`, `w`, `q`, `dpl` and `Accept`. */
function imageCachePolicy(scope: Construct, id: string): cloudfront.CachePolicy {
  return new cloudfront.CachePolicy(scope, id, {
    comment: 'Next.js image optimization: url, w, q, dpl and Accept',
    defaultTtl: Duration.seconds(0),
    minTtl: Duration.seconds(0),
    maxTtl: ONE_YEAR,
    queryStringBehavior: cloudfront.CacheQueryStringBehavior.allowList('url', 'w', 'q', 'dpl'),
    headerBehavior: cloudfront.CacheHeaderBehavior.allowList('accept'),
    cookieBehavior: cloudfront.CacheCookieBehavior.none(),
  });
}

/** The cookie of Next.js's draft mode. */
const NEXT_DRAFT_MODE_COOKIE = '__prerender_bypass';
