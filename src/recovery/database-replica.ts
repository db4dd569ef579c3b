import { ArnFormat, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { checkReplicaSource, checkReplicaZones, validateReplicaOptions } from './recovery-checks';
import { defaultReplicaIdentifier, DEFAULT_MAX_REPLICA_LAG, REPLICA_VPC_CIDR } from './recovery-options';
import { DatabaseReplicaOptions } from './replica-options';
import { PlatformDatabase } from '../database/database';
import { DATABASE_PORT } from '../database/database-checks';
import { DeletionProtectionAfterCreation } from '../operations/deletion-protection';
import { acknowledge, nistAndHipaa } from '../private/acknowledge';
import { invalid } from '../private/validation';

/** Props of `PlatformDatabaseReplica`. */
export interface PlatformDatabaseReplicaProps extends DatabaseReplicaOptions {
  /** The platform's database, in a stack of another region with an explicit region. */
  readonly source: PlatformDatabase;

  /** The platform's name: it names the replica and tags it for the deletion-protection handler. */
  readonly platformName: string;

  /**
   * Key of this region that encrypts the replica's storage and its log groups. CloudWatch Logs is
   * allowed to use it.
   */
  readonly encryptionKey: kms.IKey;
}

/**
 * A cross-region read replica of the platform's PostgreSQL database: encrypted with a key of its own
 * region, in private subnets behind a security group that admits nothing, with TLS required, its logs
 * exported to log groups of its own, enhanced monitoring, and deletion protection turned on once it
 * exists. RDS streams the source's changes to it asynchronously; `metricReplicaLag()` says how far
 * behind it is. Promoting it (see the README's runbook) makes it a standalone, writable database.
 *
 * Its stack deploys after the source's: the construct adds that dependency. When the source has a fixed
 * `instanceIdentifier`, its ARN is known at synth time; otherwise it comes through aws-cdk-lib's
 * cross-region references (`crossRegionReferences: true` on this stack).
 */
export class PlatformDatabaseReplica extends Construct {
  /** The replica instance. */
  public readonly instance: rds.DatabaseInstanceReadReplica;
  /** The ARN of the source instance, in the source's region. */
  public readonly sourceArn: string;
  /** The VPC the replica is in. */
  public readonly vpc: ec2.IVpc;
  /** The replica's security group, which admits nothing until you allow a peer. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** The replica's PostgreSQL and upgrade log groups. */
  public readonly logGroups: logs.LogGroup[];
  /** The instance class. */
  public readonly instanceType: ec2.InstanceType;
  /** The lag above which the replica's alarm fires. */
  public readonly maxReplicaLag: Duration;

  constructor(scope: Construct, id: string, props: PlatformDatabaseReplicaProps) {
    super(scope, id);
    const stack = Stack.of(this);
    validateReplicaOptions(props, 'replica');
    checkReplicaZones(props, 'replica', stack);
    checkReplicaSource(props.source, stack);
    const sourceStack = Stack.of(props.source);
    this.instanceType = props.instanceType ?? props.source.instanceType;
    this.maxReplicaLag = props.maxReplicaLag ?? DEFAULT_MAX_REPLICA_LAG;
    this.sourceArn = this.resolveSourceArn(props.source);
    if (sourceStack.dependencies.includes(stack)) {
      invalid('database', props.source.node.path, `Its stack ${sourceStack.stackName} depends on ${stack.stackName}, but a replica`
        + ' can only be created once its source exists: remove that dependency (the recovery stack now deploys after the platform\'s).');
    }
    stack.addStackDependency(sourceStack, 'a read replica is created from its source database');

    this.vpc = props.vpc ?? this.createVpc(props.availabilityZones);
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: this.vpc,
      description: 'PostgreSQL read replica: admits nothing; RDS replicates over its own channel',
      allowAllOutbound: false,
    });

    const instanceIdentifier = props.instanceIdentifier ?? defaultReplicaIdentifier(props.platformName);
    this.logGroups = ['postgresql', 'upgrade'].map((log) => new logs.LogGroup(this, log === 'postgresql' ? 'PostgresqlLogGroup' : 'UpgradeLogGroup', {
      logGroupName: `/aws/rds/instance/${instanceIdentifier}/${log}`,
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      encryptionKey: props.encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    }));

    const engine = props.source.instance.engine!;
    this.instance = new rds.DatabaseInstanceReadReplica(this, 'Instance', {
      sourceDatabaseInstance: props.source.instance,
      instanceIdentifier,
      instanceType: this.instanceType,
      vpc: this.vpc,
      vpcSubnets: props.vpcSubnets ?? defaultSubnets(this.vpc),
      securityGroups: [this.securityGroup],
      publiclyAccessible: false,
      port: DATABASE_PORT,
      // A replica in another region cannot use the source's parameter group: this one has the same
      // settings. PostgreSQL's hot standby refuses to start with fewer max_connections than its source.
      parameterGroup: new rds.ParameterGroup(this, 'Parameters', {
        engine,
        description: 'PostgreSQL read replica settings: TLS required, the source\'s max_connections',
        parameters: { 'rds.force_ssl': '1', 'max_connections': String(props.source.maxConnections) },
      }),
      storageType: rds.StorageType.GP3,
      maxAllocatedStorage: props.source.maxAllocatedStorageGiB,
      multiAz: props.multiAz ?? false,
      iamAuthentication: true,
      cloudwatchLogsExports: ['postgresql', 'upgrade'],
      monitoringInterval: Duration.seconds(60),
      autoMinorVersionUpgrade: true,
      copyTagsToSnapshot: true,
      caCertificate: rds.CaCertificate.RDS_CA_RSA2048_G1,
      storageEncryptionKey: props.encryptionKey,
    });
    this.logGroups.forEach((logGroup) => this.instance.node.addDependency(logGroup));
    const cfnInstance = this.instance.node.defaultChild as rds.CfnDBInstance;
    cfnInstance.sourceDbInstanceIdentifier = this.sourceArn;
    // aws-cdk-lib never sets SourceRegion, which CloudFormation needs for a source in another region
    // (AWS::RDS::DBInstance SourceRegion). StorageEncrypted is inherited from the source and must not
    // be given with SourceDBInstanceIdentifier; KmsKeyId (this region's key) is required instead.
    cfnInstance.sourceRegion = sourceStack.region;
    cfnInstance.addPropertyDeletionOverride('StorageEncrypted');

    new DeletionProtectionAfterCreation(this, 'DeletionProtection', {
      platformName: props.platformName,
      database: this.instance,
      protectDatabase: props.deletionProtection ?? true,
    });
    this.acknowledgeFindings(props);
  }

  /**
   * `ReplicaLag`: how many seconds the replica is behind its source, the maximum over five minutes.
   */
  public metricReplicaLag(): cloudwatch.Metric {
    return this.instance.metric('ReplicaLag', { statistic: cloudwatch.Stats.MAXIMUM, period: Duration.minutes(5) });
  }

  /**
   * The source's ARN in its own region. A source with a fixed identifier has a known ARN; otherwise it
   * travels through aws-cdk-lib's cross-region references. (Giving an existing database an identifier
   * would replace it, so the library never suggests that.)
   */
  private resolveSourceArn(source: PlatformDatabase): string {
    const stack = Stack.of(this);
    const sourceStack = Stack.of(source);
    const identifier = (source.instance.node.defaultChild as rds.CfnDBInstance).dbInstanceIdentifier;
    if (identifier !== undefined && !Token.isUnresolved(identifier)) {
      return stack.formatArn({
        service: 'rds', region: sourceStack.region, resource: 'db', resourceName: identifier, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
    }
    if (!stack._crossRegionReferences) {
      invalid('database', source.node.path, 'The database has no fixed instanceIdentifier, so its ARN is known only once it'
        + ` is deployed: set crossRegionReferences: true on ${stack.stackName}, and aws-cdk-lib passes the ARN through SSM`
        + ' parameters. Do not add an instanceIdentifier to a deployed database: that replaces it with an empty one.');
    }
    return source.instance.instanceArn;
  }

  /** Two isolated subnets: no internet gateway, no NAT, nothing else in them. */
  private createVpc(availabilityZones: string[] | undefined): ec2.Vpc {
    const vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(REPLICA_VPC_CIDR),
      availabilityZones,
      maxAzs: availabilityZones ? undefined : 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'Replica', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 26 }],
      restrictDefaultSecurityGroup: true,
    });
    acknowledge(vpc, 'The VPC holds only the read replica\'s network interface, in isolated subnets without an internet'
      + ' gateway, NAT or peering, behind a security group that admits nothing: no flow could be accepted to log.',
    'AwsSolutions-VPC7', ...nistAndHipaa('VPCFlowLogsEnabled'));
    return vpc;
  }

  private acknowledgeFindings(props: PlatformDatabaseReplicaProps): void {
    acknowledge(this.instance, 'PostgreSQL keeps its standard port: the replica is in private subnets behind a security'
      + ' group that admits nothing, so another port would hide nothing.', 'AwsSolutions-RDS11');
    acknowledge(this.instance, 'RDS creates read replicas without automated backups (and refuses them for PostgreSQL'
      + ' replicas); the source is backed up, its backups are copied to this region\'s vault, and a promoted replica gets'
      + ' backups when it is promoted.', ...nistAndHipaa('RDSInBackupPlan'));
    if (!(props.multiAz ?? false)) {
      acknowledge(this.instance, 'The replica is itself the standby of the source in another region; a standby of the'
        + ' standby (replica.multiAz) doubles its cost for little: a failover restores onto the platform\'s own Multi-AZ setting.',
      'AwsSolutions-RDS3', ...nistAndHipaa('RDSMultiAZSupport'));
    }
    if (!(props.deletionProtection ?? true)) {
      acknowledge(this.instance, 'Deletion protection of the replica was turned off explicitly (replica.deletionProtection is false).',
        'AwsSolutions-RDS10', ...nistAndHipaa('RDSInstanceDeletionProtectionEnabled'));
    }
    const monitoringRole = this.instance.node.tryFindChild('MonitoringRole');
    if (monitoringRole) {
      acknowledge(monitoringRole, 'AmazonRDSEnhancedMonitoringRole is the AWS-managed policy RDS documents for'
        + ' its enhanced-monitoring service role; it only publishes OS metrics to CloudWatch Logs.',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]');
    }
  }
}

/** Isolated subnets if the VPC has any, else its private ones. */
function defaultSubnets(vpc: ec2.IVpc): ec2.SubnetSelection {
  return { subnetType: vpc.isolatedSubnets.length > 0 ? ec2.SubnetType.PRIVATE_ISOLATED : ec2.SubnetType.PRIVATE_WITH_EGRESS };
}
