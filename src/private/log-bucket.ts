import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge, nistAndHipaa } from './acknowledge';

/**
 * A retained, private, TLS-only bucket for CloudFront standard logs (and S3 server access logs),
 * expiring after `retentionDays`. CloudFront delivers standard logs with an ACL, so object ownership
 * is "bucket owner preferred" instead of "enforced", and encryption is SSE-S3.
 */
export function cloudFrontLogBucket(scope: Construct, id: string, retentionDays: number): s3.Bucket {
  const bucket = new s3.Bucket(scope, id, {
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
    versioned: true,
    lifecycleRules: [{ expiration: Duration.days(retentionDays), noncurrentVersionExpiration: Duration.days(1) }],
    removalPolicy: RemovalPolicy.RETAIN,
  });
  acknowledge(bucket, 'This bucket only receives access logs; logging access to it would need yet another bucket.',
    'AwsSolutions-S1', ...nistAndHipaa('S3BucketLoggingEnabled'));
  acknowledge(bucket, 'Access logs are operational records that expire after the configured retention;'
    + ' a replica in another region is not needed.', ...nistAndHipaa('S3BucketReplicationEnabled'));
  acknowledge(bucket, 'CloudFront standard logs are delivered to buckets encrypted with S3-managed keys (SSE-S3);'
    + ' the bucket is encrypted with them.', ...nistAndHipaa('S3DefaultEncryptionKMS'));
  return bucket;
}
