import { Annotations, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { CONSOLE_BEHIND_CDN, CONSOLE_PORT, PUBLIC_HASURA_PATHS, RESTIFIED_PATH_PATTERN, validateDomainOptions, validateBehindCloudFront, validateLoadBalancerOptions } from './load-balancer-checks';
import { PlatformDomainOptions, PlatformLoadBalancerOptions } from './load-balancer-options';
import { HasuraService } from '../hasura/hasura-service';
import { NextjsService } from '../nextjs/nextjs-service';
import { acknowledge, nistAndHipaa } from '../private/acknowledge';
import { invalid } from '../private/validation';
import { scaleOnRequests } from '../services/container-service';

/** Props of `PlatformLoadBalancer`. */
export interface PlatformLoadBalancerProps extends PlatformLoadBalancerOptions {
  /** The VPC; the load balancer goes into its public subnets. */
  readonly vpc: ec2.IVpc;

  /**
   * Serve HTTPS on a custom domain, redirecting HTTP to HTTPS.
   *
   * @default - plain HTTP on the load balancer's DNS name
   */
  readonly domain?: PlatformDomainOptions;

  /**
   * Make the load balancer internal, for a CloudFront VPC origin (`PlatformCdn`): it goes into
   * the private subnets, its security group admits nothing from the internet (the CDN adds the one
   * rule it needs), and no alias record is created, since the CDN owns the domain's name. Requires
   * `domain`: CloudFront reaches the load balancer over HTTPS with the domain's certificate. Set at
   * creation only: a changed scheme replaces the load balancer and its listeners.
   *
   * @default false
   */
  readonly behindCloudFront?: boolean;
}

/**
 * The public entry: an internet-facing Application Load Balancer in the public subnets that sends
 * Hasura's GraphQL API and `/healthz` to Hasura and everything else to Next.js, over HTTPS when a
 * domain is given (HTTP redirects to HTTPS), plus a console listener for Hasura that admits only the
 * CIDRs listed.
 */
export class PlatformLoadBalancer extends Construct {
  /** The load balancer. */
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  /** The load balancer's security group. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** The listener that serves the site: HTTPS on 443 with a domain, HTTP on 80 without. */
  public readonly siteListener: elbv2.ApplicationListener;
  /** The HTTP listener on port 80; it redirects to HTTPS when there is a domain. */
  public readonly httpListener: elbv2.ApplicationListener;
  /** The HTTPS listener on port 443, when there is a domain. */
  public readonly httpsListener?: elbv2.ApplicationListener;
  /** The certificate, when there is a domain. */
  public readonly certificate?: acm.ICertificate;
  /** The access log bucket, when access logs are on. */
  public readonly accessLogBucket?: s3.Bucket;
  /** The site's public origin: `https://<domain>` or `http://<load balancer DNS name>`. */
  public readonly siteUrl: string;
  /** The Hasura console listener, once a Hasura service with the console on is added. */
  public consoleListener?: elbv2.ApplicationListener;

  /** How long the load balancer keeps an idle connection open. */
  public readonly idleTimeout: Duration;

  private readonly props: PlatformLoadBalancerProps;

  constructor(scope: Construct, id: string, props: PlatformLoadBalancerProps) {
    super(scope, id);
    validateLoadBalancerOptions(props, 'loadBalancer');
    validateDomainOptions(props.domain, 'domain');
    validateBehindCloudFront(props.behindCloudFront, props.domain);
    this.props = props;
    this.idleTimeout = props.idleTimeout ?? Duration.seconds(DEFAULT_IDLE_TIMEOUT_SECONDS);
    const internetFacing = !(props.behindCloudFront ?? false);

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: internetFacing
        ? 'Public load balancer: HTTP and HTTPS from anywhere, console only from allowed CIDRs'
        : 'Internal load balancer: HTTPS only from the CloudFront VPC origin',
      allowAllOutbound: false,
    });
    if (internetFacing) {
      this.securityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(80), 'HTTP from anywhere');
      acknowledge(this.securityGroup, 'An internet-facing website must accept HTTP and HTTPS from any address;'
        + ' the console port admits only the CIDRs listed in hasura.console.allowedCidrs.', 'AwsSolutions-EC23');
    }

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      internetFacing,
      vpcSubnets: { subnetType: internetFacing ? ec2.SubnetType.PUBLIC : ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroup: this.securityGroup,
      deletionProtection: props.deletionProtection ?? true,
      dropInvalidHeaderFields: true,
      idleTimeout: this.idleTimeout,
    });

    if (!(props.deletionProtection ?? true)) {
      acknowledge(this.loadBalancer, 'Deletion protection was turned off explicitly'
        + ' (loadBalancer.deletionProtection is false), e.g. for a disposable environment.',
      ...nistAndHipaa('ELBDeletionProtectionEnabled'));
    }

    if (props.accessLogs ?? true) {
      this.accessLogBucket = new s3.Bucket(this, 'AccessLogs', {
        encryption: s3.BucketEncryption.S3_MANAGED,
        enforceSSL: true,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        versioned: true,
        lifecycleRules: [{
          expiration: Duration.days(props.accessLogRetentionDays ?? 90),
          noncurrentVersionExpiration: Duration.days(1),
        }],
        removalPolicy: RemovalPolicy.RETAIN,
      });
      this.loadBalancer.logAccessLogs(this.accessLogBucket);
      acknowledge(this.accessLogBucket, 'This bucket only receives load balancer access logs; logging access to'
        + ' it would need yet another bucket.', 'AwsSolutions-S1', ...nistAndHipaa('S3BucketLoggingEnabled'));
      acknowledge(this.accessLogBucket, 'Access logs are operational records that expire after'
        + ' loadBalancer.accessLogRetentionDays; a replica in another region is not needed.',
      ...nistAndHipaa('S3BucketReplicationEnabled'));
      acknowledge(this.accessLogBucket, 'Elastic Load Balancing delivers access logs only to buckets encrypted'
        + ' with S3-managed keys (SSE-S3); the bucket is encrypted with them.', ...nistAndHipaa('S3DefaultEncryptionKMS'));
    } else {
      acknowledge(this.loadBalancer, 'Access logs were turned off explicitly (loadBalancer.accessLogs is false).',
        'AwsSolutions-ELB2', ...nistAndHipaa('ELBLoggingEnabled'));
    }

    if (props.webAclArn) {
      new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', {
        resourceArn: this.loadBalancer.loadBalancerArn,
        webAclArn: props.webAclArn,
      });
    } else {
      acknowledge(this.loadBalancer, 'No web ACL was given (loadBalancer.webAclArn). WAF rules must be tuned'
        + ' to the application (GraphQL request bodies trip generic size rules), so none is imposed.',
      'NIST.800.53.R5-ALBWAFEnabled');
    }

    const domain = props.domain;
    if (domain) {
      this.certificate = domain.certificate ?? new acm.Certificate(this, 'Certificate', {
        domainName: domain.domainName,
        validation: acm.CertificateValidation.fromDns(domain.hostedZone),
      });
      if (internetFacing) {
        this.securityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS from anywhere');
      }
      this.httpsListener = this.loadBalancer.addListener('HttpsListener', {
        port: 443,
        protocol: elbv2.ApplicationProtocol.HTTPS,
        certificates: [this.certificate],
        sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
        open: false,
      });
      this.httpListener = this.loadBalancer.addListener('HttpListener', {
        port: 80,
        protocol: elbv2.ApplicationProtocol.HTTP,
        open: false,
        defaultAction: elbv2.ListenerAction.redirect({ protocol: 'HTTPS', port: '443', permanent: true }),
      });
      acknowledge(this.httpListener, 'This listener serves nothing: it only redirects every request to HTTPS (301).',
        ...nistAndHipaa('ELBv2ACMCertificateRequired'));
      if (internetFacing) {
        new route53.ARecord(this, 'AliasRecord', {
          zone: domain.hostedZone,
          recordName: domain.domainName,
          target: route53.RecordTarget.fromAlias(new route53targets.LoadBalancerTarget(this.loadBalancer)),
        });
      }
      this.siteListener = this.httpsListener;
      this.siteUrl = `https://${domain.domainName}`;
    } else {
      this.httpListener = this.loadBalancer.addListener('HttpListener', {
        port: 80,
        protocol: elbv2.ApplicationProtocol.HTTP,
        open: false,
      });
      this.siteListener = this.httpListener;
      this.siteUrl = `http://${this.loadBalancer.loadBalancerDnsName}`;
      acknowledgePlainHttp(this.httpListener);
      Annotations.of(this).addWarningV2('cdk-hasura-nextjs:plainHttp',
        'No domain is set, so the platform serves plain HTTP: credentials and tokens cross the internet'
        + ' unencrypted. Set `domain` to serve HTTPS.');
    }
  }

  /** Makes `service` the default target of the site listener. */
  public addNextjsService(service: NextjsService): elbv2.ApplicationTargetGroup {
    const idleSeconds = this.idleTimeout.toSeconds();
    if (!service.keepAliveTimeout.isUnresolved() && service.keepAliveTimeout.toSeconds({ integral: false }) <= idleSeconds) {
      invalid('nextjs.keepAliveTimeout', service.keepAliveTimeout.toHumanString(), 'It must exceed the load balancer\'s'
        + ` idle timeout (loadBalancer.idleTimeout, ${idleSeconds} seconds), or Next.js closes connections the load`
        + ' balancer is about to reuse and requests fail with 502.');
    }
    const targetGroup = this.targetGroup('NextjsTargetGroup', service, service.port, service.healthCheckPath);
    service._attachTargetGroup(targetGroup);
    this.siteListener.addTargetGroups('Nextjs', { targetGroups: [targetGroup] });
    scaleOnRequests(service.scalableTaskCount, service.autoScaling, targetGroup);
    return targetGroup;
  }

  /**
   * Routes Hasura's GraphQL API and `/healthz` (and `/api/rest/*` with `restifiedEndpoints`) on the site listener to `service`, and serves the
   * console listener when the service has the console on.
   */
  public addHasuraService(service: HasuraService): elbv2.ApplicationTargetGroup {
    if (this.idleTimeout.toSeconds() >= HASURA_IDLE_CLOSE_SECONDS) {
      Annotations.of(this).addWarningV2('cdk-hasura-nextjs:idleTimeoutAboveHasura', 'loadBalancer.idleTimeout is'
        + ` ${this.idleTimeout.toSeconds()} seconds, but Hasura closes idle connections after ${HASURA_IDLE_CLOSE_SECONDS}`
        + ' seconds (not configurable): expect occasional 502s on the GraphQL API. Use 29 seconds or less.');
    }
    const targetGroup = this.targetGroup('HasuraTargetGroup', service, service.port, '/healthz');
    service._attachTargetGroup(targetGroup);
    this.siteListener.addTargetGroups('Hasura', {
      targetGroups: [targetGroup],
      priority: 10,
      conditions: [elbv2.ListenerCondition.pathPatterns([...PUBLIC_HASURA_PATHS,
        ...(service.restifiedEndpoints ? [RESTIFIED_PATH_PATTERN] : [])])],
    });
    scaleOnRequests(service.scalableTaskCount, service.autoScaling, targetGroup);
    if (service.consoleAllowedCidrs.length > 0) {
      if (this.props.behindCloudFront) {
        invalid('hasura.console', service.consoleAllowedCidrs, CONSOLE_BEHIND_CDN);
      }
      this.consoleListener = this.loadBalancer.addListener('ConsoleListener', {
        port: CONSOLE_PORT,
        protocol: this.certificate ? elbv2.ApplicationProtocol.HTTPS : elbv2.ApplicationProtocol.HTTP,
        certificates: this.certificate ? [this.certificate] : undefined,
        sslPolicy: this.certificate ? elbv2.SslPolicy.RECOMMENDED_TLS : undefined,
        open: false,
        defaultTargetGroups: [targetGroup],
      });
      if (!this.certificate) {
        acknowledgePlainHttp(this.consoleListener);
      }
      for (const cidr of service.consoleAllowedCidrs) {
        this.securityGroup.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(CONSOLE_PORT), `Hasura console from ${cidr}`);
      }
    }
    return targetGroup;
  }

  private targetGroup(id: string, service: { service: ecs.FargateService; container: ecs.ContainerDefinition },
    port: number, healthCheckPath: string): elbv2.ApplicationTargetGroup {
    return new elbv2.ApplicationTargetGroup(this, id, {
      vpc: this.props.vpc,
      port,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targetType: elbv2.TargetType.IP,
      deregistrationDelay: this.props.deregistrationDelay ?? Duration.seconds(30),
      healthCheck: {
        path: healthCheckPath,
        healthyHttpCodes: '200-399',
        interval: Duration.seconds(15),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
      },
      targets: [service.service.loadBalancerTarget({ containerName: service.container.containerName, containerPort: port })],
    });
  }
}

/** Seconds of load balancer idle timeout by default: below Hasura's fixed idle close. */
const DEFAULT_IDLE_TIMEOUT_SECONDS = 25;

/** Hasura's HTTP server (warp) closes idle keep-alive connections after 30 to 60 seconds. */
const HASURA_IDLE_CLOSE_SECONDS = 30;

/** Acknowledges the TLS rules on a listener that serves plain HTTP because no domain was given. */
function acknowledgePlainHttp(listener: elbv2.ApplicationListener): void {
  acknowledge(listener, 'No domain was given, so there is no certificate: the platform serves plain HTTP as'
    + ' asked and warns at synth time. Set `domain` for HTTPS with HTTP redirected to it.',
  ...nistAndHipaa('ALBHttpToHttpsRedirection'), ...nistAndHipaa('ELBv2ACMCertificateRequired'));
}
