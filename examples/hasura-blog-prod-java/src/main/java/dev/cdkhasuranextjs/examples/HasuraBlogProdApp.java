package dev.cdkhasuranextjs.examples;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

import dev.cdkhasuranextjs.HasuraConsoleOptions;
import dev.cdkhasuranextjs.HasuraNextjsPlatform;
import dev.cdkhasuranextjs.HasuraOptions;
import dev.cdkhasuranextjs.NextjsOptions;
import dev.cdkhasuranextjs.PlatformDatabaseOptions;
import dev.cdkhasuranextjs.PlatformLoadBalancerOptions;
import dev.cdkhasuranextjs.PlatformNetworkOptions;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.ec2.InstanceClass;
import software.amazon.awscdk.services.ec2.InstanceSize;
import software.amazon.awscdk.services.ec2.InstanceType;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.rds.PostgresEngineVersion;

/**
 * The hasura-blog-prod example in Java: the same stack as examples/hasura-blog-prod/main.ts.
 *
 * <p>Run from this folder ({@code cdk synth}, or {@code mvn compile exec:java} with {@code CDK_OUTDIR} set):
 * the Next.js image is built from {@code ../nextjs-app}.
 */
public final class HasuraBlogProdApp {
    /** The Next.js app that becomes the site's container image, relative to this example's folder. */
    static final Path NEXTJS_APP_DIR = Paths.get("..", "nextjs-app").toAbsolutePath().normalize();

    private HasuraBlogProdApp() {
    }

    public static Stack createStack(final App app) {
        Stack stack = new Stack(app, "HasuraBlogProd", StackProps.builder()
                .env(Environment.builder()
                        .account(System.getenv("CDK_DEFAULT_ACCOUNT"))
                        .region("us-east-1")
                        .build())
                .description("Hasura Blog production: Hasura and Next.js on ECS Fargate, RDS PostgreSQL")
                .build());

        HasuraNextjsPlatform.Builder.create(stack, "Platform")
                .platformName("hasura-blog-prod")
                .network(PlatformNetworkOptions.builder()
                        .vpcCidr("10.0.0.0/16")
                        .availabilityZones(List.of("us-east-1a", "us-east-1b"))
                        .natGateways(2)
                        .publicSubnetCidrs(List.of("10.0.0.0/24", "10.0.1.0/24"))
                        .privateSubnetCidrs(List.of("10.0.10.0/24", "10.0.11.0/24"))
                        .build())
                .loadBalancer(PlatformLoadBalancerOptions.builder()
                        .deletionProtection(true)
                        .deregistrationDelay(Duration.seconds(30))
                        .build())
                .hasura(HasuraOptions.builder()
                        .cpu(512)
                        .memoryLimitMiB(1024)
                        .desiredCount(2)
                        .devMode(false)
                        // The reference serves the console on :8080; here only the operators' network may reach it.
                        .console(HasuraConsoleOptions.builder()
                                .allowedCidrs(List.of("203.0.113.0/24"))
                                .insecureAllowPlainHttp(true)
                                .build())
                        .build())
                .nextjs(NextjsOptions.builder()
                        .image(ContainerImage.fromAsset(NEXTJS_APP_DIR.toString()))
                        .cpu(512)
                        .memoryLimitMiB(1024)
                        .desiredCount(2)
                        .exposeHasuraAdminSecret(true)
                        .exposeJwtSigningKey(true)
                        .build())
                .database(PlatformDatabaseOptions.builder()
                        // The reference names PostgreSQL 15.4, which RDS no longer creates; 15.17 is the current 15.x.
                        .engineVersion(PostgresEngineVersion.VER_15_17)
                        .instanceType(InstanceType.of(InstanceClass.T3, InstanceSize.MICRO))
                        .allocatedStorageGiB(20)
                        .maxAllocatedStorageGiB(40)
                        .multiAz(false)
                        .backupRetention(Duration.days(7))
                        .preferredBackupWindow("03:00-04:00")
                        .preferredMaintenanceWindow("mon:04:00-mon:05:00")
                        .build())
                .logRetention(RetentionDays.ONE_WEEK)
                .build();
        return stack;
    }

    public static void main(final String[] args) {
        App app = new App();
        createStack(app);
        app.synth();
    }
}
