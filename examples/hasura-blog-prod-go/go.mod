module github.com/cdk-hasura-nextjs/cdk-hasura-nextjs/examples/hasura-blog-prod-go

go 1.25

require (
	github.com/aws/aws-cdk-go/awscdk/v2 v2.276.0
	github.com/aws/jsii-runtime-go v1.140.0
	github.com/cdk-hasura-nextjs/cdk-hasura-nextjs-go/cdkhasuranextjs v0.0.0
)

// Inside this repository the example uses the bindings that `npx projen package:go` generates;
// in your own app, require a released version of the module instead.
replace github.com/cdk-hasura-nextjs/cdk-hasura-nextjs-go/cdkhasuranextjs => ../../dist/go/cdkhasuranextjs
