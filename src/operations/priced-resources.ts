import { HOURS_PER_MONTH } from './prices';

/**
 * Resources the cost model prices by how many of them the platform holds: each kind names its
 * CloudFormation type, its list prices and the line items it adds. The inventory counts every kind
 * from the template into `PlatformCostModelProps.resourceCounts` and the model prices every kind, so
 * pricing a new kind of resource is one entry here.
 */

/** What a month's use is assumed to be, as a kind's line items need it. */
export interface AssumedUsage {
  /** Requests that reach the site, in millions. */
  readonly requestsMillions: number;
}

/** A kind of resource priced per resource held. */
export interface PricedResourceKind {
  /** Its key in `PlatformCostModelProps.resourceCounts`. */
  readonly key: string;
  /** The CloudFormation type its resources have. */
  readonly cfnType: string;
  /** Which resources of the type are this kind (all when absent). */
  readonly isKind?: (properties: { [key: string]: any }) => boolean;
  /** The estimate's category for its line items. */
  readonly category: string;
  /** Its line items for `count` resources: a description and a monthly amount in USD each. */
  readonly lines: (count: number, usage: AssumedUsage) => Array<[string, number]>;
}

/** ElastiCache Serverless for Valkey, us-east-1 list prices (recorded with `PRICES_AS_OF`). */
const VALKEY_SERVERLESS = {
  /** Data stored, per GB-hour, billed for at least 100 MB. */
  gbHour: 0.084,
  minimumGb: 0.1,
  /** Per million ElastiCache Processing Units (a read or write of up to 1 KB). */
  ecpuMillion: 0.0023,
  /** ECPUs a page request costs the shared cache: a read of the page entry and of the tag index (assumed). */
  ecpusPerRequest: 2,
} as const;

export const PRICED_RESOURCES: readonly PricedResourceKind[] = [
  {
    key: 'valkeyServerlessCaches',
    cfnType: 'AWS::ElastiCache::ServerlessCache',
    isKind: (properties) => properties.Engine === 'valkey',
    category: 'ElastiCache',
    lines: (count, usage) => [
      [`${count} Valkey serverless cache(s), ${VALKEY_SERVERLESS.minimumGb} GB stored (the least billed, $${VALKEY_SERVERLESS.gbHour}/GB-hour)`,
        count * VALKEY_SERVERLESS.minimumGb * VALKEY_SERVERLESS.gbHour * HOURS_PER_MONTH],
      [`${usage.requestsMillions} million requests x ${VALKEY_SERVERLESS.ecpusPerRequest} ECPUs (assumed, $${VALKEY_SERVERLESS.ecpuMillion}/million)`,
        count * usage.requestsMillions * VALKEY_SERVERLESS.ecpusPerRequest * VALKEY_SERVERLESS.ecpuMillion],
    ],
  },
];
