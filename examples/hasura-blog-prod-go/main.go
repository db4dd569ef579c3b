// The hasura-blog-prod example in Go: the same stack as examples/hasura-blog-prod/main.ts.
//
// Run it from this folder (cdk synth, or go run . with CDK_OUTDIR set): the Next.js image is built
// from ../nextjs-app.
package main

import (
	"os"
	"path/filepath"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsrds"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk-hasura-nextjs/cdk-hasura-nextjs-go/cdkhasuranextjs"
)

// nextjsAppDir is the Next.js app that becomes the site's container image.
func nextjsAppDir() string {
	dir, err := filepath.Abs(filepath.Join("..", "nextjs-app"))
	if err != nil {
		panic(err)
	}
	return dir
}

// account is CDK_DEFAULT_ACCOUNT, or nil (an environment-agnostic account) when it is not set.
func account() *string {
	if value, ok := os.LookupEnv("CDK_DEFAULT_ACCOUNT"); ok {
		return jsii.String(value)
	}
	return nil
}

func createStack(app awscdk.App) awscdk.Stack {
	stack := awscdk.NewStack(app, jsii.String("HasuraBlogProd"), &awscdk.StackProps{
		Env: &awscdk.Environment{
			Account: account(),
			Region:  jsii.String("us-east-1"),
		},
		Description: jsii.String("Hasura Blog production: Hasura and Next.js on ECS Fargate, RDS PostgreSQL"),
	})

	cdkhasuranextjs.NewHasuraNextjsPlatform(stack, jsii.String("Platform"), &cdkhasuranextjs.HasuraNextjsPlatformProps{
		PlatformName: jsii.String("hasura-blog-prod"),
		Network: &cdkhasuranextjs.PlatformNetworkOptions{
			VpcCidr:            jsii.String("10.0.0.0/16"),
			AvailabilityZones:  jsii.Strings("us-east-1a", "us-east-1b"),
			NatGateways:        jsii.Number(2),
			PublicSubnetCidrs:  jsii.Strings("10.0.0.0/24", "10.0.1.0/24"),
			PrivateSubnetCidrs: jsii.Strings("10.0.10.0/24", "10.0.11.0/24"),
		},
		LoadBalancer: &cdkhasuranextjs.PlatformLoadBalancerOptions{
			DeletionProtection:  jsii.Bool(true),
			DeregistrationDelay: awscdk.Duration_Seconds(jsii.Number(30)),
		},
		Hasura: &cdkhasuranextjs.HasuraOptions{
			Cpu:            jsii.Number(512),
			MemoryLimitMiB: jsii.Number(1024),
			DesiredCount:   jsii.Number(2),
			DevMode:        jsii.Bool(false),
			// The reference serves the console on :8080; here only the operators' network may reach it.
			Console: &cdkhasuranextjs.HasuraConsoleOptions{
				AllowedCidrs:            jsii.Strings("203.0.113.0/24"),
				InsecureAllowPlainHttp: jsii.Bool(true),
			},
		},
		Nextjs: &cdkhasuranextjs.NextjsOptions{
			Image:          awsecs.ContainerImage_FromAsset(jsii.String(nextjsAppDir()), nil),
			Cpu:            jsii.Number(512),
			MemoryLimitMiB:          jsii.Number(1024),
			DesiredCount:            jsii.Number(2),
			ExposeHasuraAdminSecret: jsii.Bool(true),
			ExposeJwtSigningKey:     jsii.Bool(true),
		},
		Database: &cdkhasuranextjs.PlatformDatabaseOptions{
			// The reference names PostgreSQL 15.4, which RDS no longer creates; 15.17 is the current 15.x.
			EngineVersion:              awsrds.PostgresEngineVersion_VER_15_17(),
			InstanceType:               awsec2.InstanceType_Of(awsec2.InstanceClass_T3, awsec2.InstanceSize_MICRO),
			AllocatedStorageGiB:        jsii.Number(20),
			MaxAllocatedStorageGiB:     jsii.Number(40),
			MultiAz:                    jsii.Bool(false),
			BackupRetention:            awscdk.Duration_Days(jsii.Number(7)),
			PreferredBackupWindow:      jsii.String("03:00-04:00"),
			PreferredMaintenanceWindow: jsii.String("mon:04:00-mon:05:00"),
		},
		LogRetention: awslogs.RetentionDays_ONE_WEEK,
	})
	return stack
}

func main() {
	defer jsii.Close()

	app := awscdk.NewApp(nil)
	createStack(app)
	app.Synth(nil)
}
