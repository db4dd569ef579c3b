import { Duration } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { Construct } from 'constructs';

/** Options of `securityHeadersPolicy`. */
export interface SecurityHeadersSettings {
  /** A Content-Security-Policy to send; none when undefined. */
  readonly contentSecurityPolicy?: string;
  /** Replace headers of the same name that the origin sent. */
  readonly override: boolean;
  /** A Cache-Control value to set on every response, replacing the origin's. */
  readonly cacheControl?: string;
}

/**
 * A response headers policy with HSTS (two years, subdomains), `X-Content-Type-Options: nosniff`,
 * `X-Frame-Options: SAMEORIGIN`, `Referrer-Policy: strict-origin-when-cross-origin`, and optionally a
 * CSP and a fixed Cache-Control.
 */
export function securityHeadersPolicy(scope: Construct, id: string, settings: SecurityHeadersSettings): cloudfront.ResponseHeadersPolicy {
  const override = settings.override;
  return new cloudfront.ResponseHeadersPolicy(scope, id, {
    securityHeadersBehavior: {
      strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, override },
      contentTypeOptions: { override },
      frameOptions: { frameOption: cloudfront.HeadersFrameOption.SAMEORIGIN, override },
      referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override },
      contentSecurityPolicy: settings.contentSecurityPolicy === undefined
        ? undefined : { contentSecurityPolicy: settings.contentSecurityPolicy, override },
    },
    customHeadersBehavior: settings.cacheControl === undefined ? undefined : {
      customHeaders: [{ header: 'Cache-Control', value: settings.cacheControl, override: true }],
    },
  });
}

/** How browsers and CloudFront keep a build's content-hashed static files: a year, never revalidated. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * A cache policy for content-hashed files: kept a year whatever the origin says, one cache entry per
 * path (no headers, cookies or query strings in the key), gzip and Brotli variants.
 */
export function immutableCachePolicy(scope: Construct, id: string): cloudfront.CachePolicy {
  return new cloudfront.CachePolicy(scope, id, {
    comment: 'Content-hashed static files: cached a year, one entry per path',
    minTtl: Duration.days(365),
    defaultTtl: Duration.days(365),
    maxTtl: Duration.days(365),
    headerBehavior: cloudfront.CacheHeaderBehavior.none(),
    cookieBehavior: cloudfront.CacheCookieBehavior.none(),
    queryStringBehavior: cloudfront.CacheQueryStringBehavior.none(),
    enableAcceptEncodingGzip: true,
    enableAcceptEncodingBrotli: true,
  });
}
