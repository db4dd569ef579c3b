// lib/cdn.js: removes pages from CloudFront's cache after their content changed. Only when the platform
// sets CLOUDFRONT_DISTRIBUTION_ID; without it there is no call to AWS at all.
import { CloudFrontClient, CreateInvalidationCommand } from '@aws-sdk/client-cloudfront';

let client;

/**
 * Invalidates `paths` and returns the invalidation's id, or undefined without a distribution.
 * `reference` makes a retried call (same reference, same paths) the same invalidation, not a second one.
 */
export async function invalidateCdn(paths, reference) {
  const distributionId = process.env.CLOUDFRONT_DISTRIBUTION_ID;
  if (!distributionId) {
    return undefined;
  }
  // CloudFront is a global service whose API is signed for us-east-1.
  client ??= new CloudFrontClient({ region: 'us-east-1' });
  const { Invalidation } = await client.send(new CreateInvalidationCommand({
    DistributionId: distributionId,
    InvalidationBatch: {
      CallerReference: reference,
      Paths: { Quantity: paths.length, Items: paths },
    },
  }));
  return Invalidation?.Id;
}
