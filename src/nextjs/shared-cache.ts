import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { generatedSecret, RANDOM_TOKEN } from '../private/generated-secret';
import { checkInteger, invalid } from '../private/validation';

/** Settings of the cache that every Next.js task shares. */
export interface NextjsSharedCacheOptions {
  /**
   * The most data the cache may hold, in GB; writes beyond it evict the least recently used entries.
   * ElastiCache Serverless bills the data actually stored, at least 100 MB.
   *
   * @default 1
   */
  readonly maxDataStorageGb?: number;

  /**
   * The most ElastiCache Processing Units the cache may use per second, a ceiling on its request rate
   * (and its bill): a read or write of up to 1 KB is one ECPU.
   *
   * @default 5000
   */
  readonly maxEcpuPerSecond?: number;
}

/** Props of `NextjsSharedCache`. */
export interface NextjsSharedCacheProps extends NextjsSharedCacheOptions {
  /** The VPC the Next.js tasks run in. */
  readonly vpc: ec2.IVpc;
  /** Subnets of the cache's endpoints. */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Name of the cache, its user group and (with suffixes) its users: a lower-case letter, then
   * lower-case letters, digits and single hyphens, at most 33 characters.
   */
  readonly name: string;
  /** Key that encrypts the cache and its user's secret. */
  readonly encryptionKey?: kms.IKey;
}

/** The ElastiCache user Next.js signs in as; its access string is what the tasks may do. */
export const CACHE_USER_NAME = 'nextjs';

/**
 * What the Next.js user may do: every command but the dangerous ones (FLUSHALL, KEYS, CONFIG, DEBUG...),
 * on keys of the `{nextjs}:` hash tag only (the tag keeps every key in one slot, as multi-key commands on
 * a cluster require).
 */
export const CACHE_ACCESS_STRING = 'on ~{nextjs}:* -@all +@read +@write +@keyspace +@hash +@string +@connection -@dangerous';

/** Port of an ElastiCache Serverless endpoint. */
export const CACHE_PORT = 6379;

/**
 * One Valkey cache that every Next.js task reads and writes, so that a page one task renders is what all
 * of them serve, and a tag revalidated on one task is revalidated for all: ElastiCache Serverless (no
 * nodes to size, Multi-AZ, TLS always on), encrypted with the platform key, in private subnets behind a
 * security group that admits only what is given access. Its default user is off; Next.js signs in as a
 * user of its own, whose password is a generated secret that the template only references.
 */
export class NextjsSharedCache extends Construct implements ec2.IConnectable {
  /** The cache. */
  public readonly cache: elasticache.CfnServerlessCache;
  /** The password of the `nextjs` user. */
  public readonly passwordSecret: secretsmanager.ISecret;
  /** The cache's security group. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** Network access to the cache. */
  public readonly connections: ec2.Connections;
  /** The URL clients connect to: `rediss://<endpoint>:6379`. */
  public readonly url: string;
  /** The name of the user Next.js signs in as. */
  public readonly userName: string;

  constructor(scope: Construct, id: string, props: NextjsSharedCacheProps) {
    super(scope, id);
    if (!/^[a-z](-?[a-z0-9])*$/.test(props.name) || props.name.length > 33) {
      invalid('name', props.name, 'Use a lower-case letter, then lower-case letters, digits and single hyphens, at most 33 characters.');
    }
    checkInteger('nextjs.sharedCache.maxDataStorageGb', props.maxDataStorageGb, 1, 5000);
    checkInteger('nextjs.sharedCache.maxEcpuPerSecond', props.maxEcpuPerSecond, 1000, 15000000);

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `${props.name} shared cache: accepts ${CACHE_PORT} only from the Next.js tasks`,
      allowAllOutbound: false,
    });
    this.connections = new ec2.Connections({ securityGroups: [this.securityGroup], defaultPort: ec2.Port.tcp(CACHE_PORT) });

    this.passwordSecret = generatedSecret(this, 'Password', 'Password of the Next.js user of the shared cache (CACHE_REDIS_PASSWORD)',
      RANDOM_TOKEN, props.encryptionKey);
    // User ids are unique per account and region; the user name is what clients sign in with.
    this.userName = CACHE_USER_NAME;
    const user = new elasticache.CfnUser(this, 'User', {
      engine: 'valkey',
      userId: `${props.name}-user`,
      userName: CACHE_USER_NAME,
      accessString: CACHE_ACCESS_STRING,
      authenticationMode: {
        Type: 'password',
        // A dynamic reference: CloudFormation resolves it, and the template holds only the secret's ARN.
        Passwords: [this.passwordSecret.secretValue.unsafeUnwrap()],
      },
    });
    // A user group must hold a user named "default"; this one is switched off.
    const disabledDefault = new elasticache.CfnUser(this, 'DefaultUser', {
      engine: 'valkey',
      userId: `${props.name}-off`,
      userName: 'default',
      accessString: 'off -@all',
      authenticationMode: { Type: 'no-password-required' },
    });
    const userGroup = new elasticache.CfnUserGroup(this, 'UserGroup', {
      engine: 'valkey',
      userGroupId: props.name,
      userIds: [user.userId, disabledDefault.userId],
    });
    userGroup.node.addDependency(user, disabledDefault);

    const subnets = props.vpc.selectSubnets(props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS });
    this.cache = new elasticache.CfnServerlessCache(this, 'Cache', {
      serverlessCacheName: props.name,
      description: 'Next.js data and page cache, shared by every task',
      engine: 'valkey',
      majorEngineVersion: '8',
      kmsKeyId: props.encryptionKey?.keyArn,
      securityGroupIds: [this.securityGroup.securityGroupId],
      subnetIds: subnets.subnetIds,
      userGroupId: userGroup.userGroupId,
      cacheUsageLimits: {
        dataStorage: { maximum: props.maxDataStorageGb ?? 1, unit: 'GB' },
        ecpuPerSecond: { maximum: props.maxEcpuPerSecond ?? 5000 },
      },
    });
    this.cache.node.addDependency(userGroup);
    // A cache holds only what the tasks can render again: nothing to keep when it goes.
    this.cache.applyRemovalPolicy(RemovalPolicy.DESTROY);
    this.url = `rediss://${this.cache.attrEndpointAddress}:${CACHE_PORT}`;
  }
}

/** A cache name from a platform's name: `next-<platformName>`, within the limits of ElastiCache's names. */
export function sharedCacheName(platformName: string): string {
  return `next-${platformName}`.slice(0, 33).replace(/-+$/, '').replace(/--+/g, '-');
}
