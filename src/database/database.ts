import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import {
  DATABASE_MASTER_USERNAME, DATABASE_PASSWORD_EXCLUDED_CHARACTERS, DATABASE_PORT, DEFAULT_ALLOCATED_STORAGE_GIB, DEFAULT_ENHANCED_MONITORING_SECONDS,
  DEFAULT_INSTANCE_TYPE, DEFAULT_MAX_ALLOCATED_STORAGE_GIB, resolveMaxConnections, validateDatabaseOptions,
} from './database-checks';
import { PlatformDatabaseOptions } from './database-options';
import { acknowledge, acknowledgeNoRotation, nistAndHipaa } from '../private/acknowledge';

/** Props of `PlatformDatabase`. */
export interface PlatformDatabaseProps extends PlatformDatabaseOptions {
  /** The VPC to place the database in. */
  readonly vpc: ec2.IVpc;

  /**
   * Subnets for the database.
   *
   * @default - the VPC's private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Customer managed key that encrypts the storage, its snapshots and the credentials secret. Set at
   * creation only: a different storage key replaces the database.
   *
   * @default - the account's `aws/rds` and `aws/secretsmanager` keys
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * RDS for PostgreSQL in private subnets: encrypted gp3 storage with autoscaling, automated backups,
 * optional Multi-AZ, TLS required for every connection, logs exported to CloudWatch, a generated master
 * password in Secrets Manager, deletion protection, and a final snapshot when it is removed.
 * Nothing can reach it until a peer is allowed with `allowConnectionsFrom`.
 */
export class PlatformDatabase extends Construct implements ec2.IConnectable {
  /** The database instance: new, or restored from `snapshotIdentifier`. */
  public readonly instance: rds.DatabaseInstanceBase;

  /** The instance's PostgreSQL and upgrade log groups, when the platform names the instance. */
  public readonly logGroups: logs.ILogGroup[];

  /**
   * The master credentials: a JSON secret with `username`, `password`, `host`, `port`, `dbname` and
   * `engine`. Retained as long as the database or its final snapshot may need it.
   */
  public readonly secret: rds.DatabaseSecret;

  /** Name of the database Hasura uses. */
  public readonly databaseName: string;

  /**
   * PostgreSQL `max_connections`, as set in the parameter group. Connection budgets (the Hasura pool,
   * alarms) are computed from it.
   */
  public readonly maxConnections: number;

  /** The instance class. */
  public readonly instanceType: ec2.InstanceType;

  /** Storage provisioned at creation, in GiB. */
  public readonly allocatedStorageGiB: number;

  /** The most storage autoscaling may grow to, in GiB. */
  public readonly maxAllocatedStorageGiB: number;

  /** Whether a standby runs in a second Availability Zone. */
  public readonly multiAz: boolean;

  /** The database's security group. */
  public readonly securityGroup: ec2.SecurityGroup;

  /** Network access to the database. */
  public readonly connections: ec2.Connections;

  constructor(scope: Construct, id: string, props: PlatformDatabaseProps) {
    super(scope, id);
    validateDatabaseOptions(props, 'database');

    const engine = rds.DatabaseInstanceEngine.postgres({
      version: props.engineVersion ?? rds.PostgresEngineVersion.VER_15_17,
    });
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.SNAPSHOT;
    this.databaseName = props.databaseName ?? 'hasura';
    this.maxConnections = resolveMaxConnections(props, 'database');
    this.instanceType = props.instanceType ?? DEFAULT_INSTANCE_TYPE;
    this.allocatedStorageGiB = props.allocatedStorageGiB ?? DEFAULT_ALLOCATED_STORAGE_GIB;
    this.maxAllocatedStorageGiB = props.maxAllocatedStorageGiB ?? DEFAULT_MAX_ALLOCATED_STORAGE_GIB;
    this.multiAz = props.multiAz ?? false;

    this.secret = new rds.DatabaseSecret(this, 'Credentials', {
      username: DATABASE_MASTER_USERNAME,
      excludeCharacters: DATABASE_PASSWORD_EXCLUDED_CHARACTERS,
      encryptionKey: props.encryptionKey,
    });
    acknowledgeNoRotation(this.secret, 'Hasura builds its connection URL when a task starts; a rotation would'
      + ' break every running task until it is replaced. Rotate on purpose, then redeploy the Hasura service.');
    // A final snapshot is restored with the same master password, so the secret outlives the instance.
    // A creation that rolls back removes it, since no instance or snapshot can need it yet.
    this.secret.applyRemovalPolicy(removalPolicy === RemovalPolicy.DESTROY
      ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE);

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'PostgreSQL database: accepts 5432 only from allowed services',
      allowAllOutbound: false,
    });

    const parameterGroup = new rds.ParameterGroup(this, 'Parameters', {
      engine,
      description: 'PostgreSQL settings: TLS required for every connection',
      parameters: { 'rds.force_ssl': '1', 'max_connections': String(this.maxConnections) },
    });

    const logGroups = props.instanceIdentifier ? this.createLogGroups(props.instanceIdentifier, props, removalPolicy) : [];
    const instanceProps: rds.DatabaseInstanceSourceProps = {
      engine,
      instanceIdentifier: props.instanceIdentifier,
      instanceType: this.instanceType,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [this.securityGroup],
      publiclyAccessible: false,
      port: DATABASE_PORT,
      parameterGroup,
      storageType: rds.StorageType.GP3,
      allocatedStorage: this.allocatedStorageGiB,
      maxAllocatedStorage: this.maxAllocatedStorageGiB,
      iamAuthentication: true,
      multiAz: this.multiAz,
      backupRetention: props.backupRetention ?? Duration.days(7),
      preferredBackupWindow: props.preferredBackupWindow ?? '03:00-04:00',
      preferredMaintenanceWindow: props.preferredMaintenanceWindow ?? 'mon:04:00-mon:05:00',
      cloudwatchLogsExports: ['postgresql', 'upgrade'],
      monitoringInterval: props.enhancedMonitoringInterval ?? Duration.seconds(DEFAULT_ENHANCED_MONITORING_SECONDS),
      ...performanceInsightsProps(props),
      autoMinorVersionUpgrade: true,
      copyTagsToSnapshot: true,
      caCertificate: rds.CaCertificate.RDS_CA_RSA2048_G1,
      deletionProtection: props.deletionProtection ?? true,
      removalPolicy,
    };
    // The same construct id either way, so a restore replaces the instance under the same logical id
    // and everything that refers to it (Hasura's endpoint, the secret's host) follows.
    this.instance = props.snapshotIdentifier
      ? new rds.DatabaseInstanceFromSnapshot(this, 'Instance', {
        ...instanceProps,
        snapshotIdentifier: props.snapshotIdentifier,
        // The snapshot keeps its master user (postgres); its password is reset to the retained secret's.
        credentials: rds.SnapshotCredentials.fromSecret(this.secret),
      })
      : new rds.DatabaseInstance(this, 'Instance', {
        ...instanceProps,
        credentials: rds.Credentials.fromSecret(this.secret),
        databaseName: this.databaseName,
        storageEncrypted: true,
        storageEncryptionKey: props.encryptionKey,
      });
    if (props.performanceInsights === false && props.encryptionKey) {
      // Turned off after it was on: the key stays, so that CloudFormation turns it off in place.
      (this.instance.node.defaultChild as rds.CfnDBInstance).performanceInsightsKmsKeyId = props.encryptionKey.keyArn;
    }
    logGroups.forEach((logGroup) => this.instance.node.addDependency(logGroup));
    this.logGroups = logGroups;
    this.connections = this.instance.connections;
    this.acknowledgeFindings(props);
  }

  private acknowledgeFindings(props: PlatformDatabaseProps): void {
    acknowledge(this.instance, 'PostgreSQL keeps its standard port: the database is in private subnets and'
      + ' accepts connections only from allowed security groups, so another port would hide nothing.', 'AwsSolutions-RDS11');
    acknowledge(this.instance, 'Automated backups with point-in-time recovery (database.backupRetention) protect'
      + ' the data; enrolling it in an AWS Backup plan is an account-level decision.', ...nistAndHipaa('RDSInBackupPlan'));
    if (props.snapshotIdentifier) {
      acknowledge(this.instance, 'A database restored from a snapshot inherits the snapshot\'s storage encryption;'
        + ' CloudFormation refuses StorageEncrypted on a restore. Restore only from encrypted snapshots of this platform.',
      'AwsSolutions-RDS2', ...nistAndHipaa('RDSStorageEncrypted'));
    }
    if (!this.multiAz) {
      acknowledge(this.instance, 'Single-AZ was chosen explicitly (database.multiAz is false, the reference'
        + ' topology\'s setting); set it to true for a standby with automatic failover.',
      'AwsSolutions-RDS3', ...nistAndHipaa('RDSMultiAZSupport'));
    }
    if (!(props.deletionProtection ?? true)) {
      acknowledge(this.instance, 'Deletion protection was turned off explicitly (database.deletionProtection is'
        + ' false), e.g. for a disposable environment; the database still leaves a final snapshot unless removalPolicy says otherwise.',
      'AwsSolutions-RDS10', ...nistAndHipaa('RDSInstanceDeletionProtectionEnabled'));
    }
    if (props.enhancedMonitoringInterval?.toSeconds() === 0) {
      acknowledge(this.instance, 'Enhanced Monitoring was turned off explicitly (database.enhancedMonitoringInterval is 0);'
        + ' the instance\'s CloudWatch metrics and alarms still watch CPU, memory, storage and connections.',
      ...nistAndHipaa('RDSEnhancedMonitoringEnabled'));
    }
    const monitoringRole = this.instance.node.tryFindChild('MonitoringRole');
    if (monitoringRole) {
      acknowledge(monitoringRole, 'AmazonRDSEnhancedMonitoringRole is the AWS-managed policy RDS documents for'
        + ' its enhanced-monitoring service role; it only publishes OS metrics to CloudWatch Logs.',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]');
    }
  }

  /** The log groups RDS exports to, created ahead of the named instance so they carry a key and a retention. */
  private createLogGroups(instanceIdentifier: string, props: PlatformDatabaseProps, removalPolicy: RemovalPolicy): logs.LogGroup[] {
    return ['postgresql', 'upgrade'].map((log) => new logs.LogGroup(this, log === 'postgresql' ? 'PostgresqlLogGroup' : 'UpgradeLogGroup', {
      logGroupName: `/aws/rds/instance/${instanceIdentifier}/${log}`,
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      encryptionKey: props.encryptionKey,
      removalPolicy: removalPolicy === RemovalPolicy.DESTROY ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    }));
  }

  /** Lets `peer` open PostgreSQL connections to the database (and nothing else). */
  public allowConnectionsFrom(peer: ec2.IConnectable): void {
    this.connections.allowFrom(peer, ec2.Port.tcp(DATABASE_PORT), 'PostgreSQL from an allowed service');
  }
}

/**
 * Performance Insights, encrypted with the platform key. The key is written with the first switch-on
 * (an in-place change: RDS's CloudFormation handler lets a missing key be set), and CloudFormation
 * then refuses to change it in place (`ImmutabilityHelper.isPerformanceInsightsKMSKeyIdMutable` in
 * aws-cloudformation-resource-providers-rds).
 */
function performanceInsightsProps(props: PlatformDatabaseProps): Partial<rds.DatabaseInstanceSourceProps> {
  if (props.performanceInsights === undefined) {
    return {};
  }
  if (!props.performanceInsights) {
    return { enablePerformanceInsights: false };
  }
  return {
    enablePerformanceInsights: true,
    performanceInsightRetention: props.performanceInsightsRetention ?? rds.PerformanceInsightRetention.DEFAULT,
    performanceInsightEncryptionKey: props.encryptionKey,
  };
}
