// Continuous delivery of the Hasura Blog with CDK Pipelines: a pipeline in a tools account takes the
// repository from a CodeConnections connection, synthesizes the app, builds the Next.js image and the
// Hasura project image once, deploys a dev stage, waits for a manual approval, then deploys prod. After
// each deployment a smoke check calls Hasura's /healthz and one GraphQL query through that stage's load
// balancer; a failure fails the stage, so nothing reaches prod that dev did not answer.
//
// Copy this file into your own repository, with compliance.ts if you run rule packs, and with the
// stages' props (developmentProps() and productionProps() of the hasura-blog-dev and hasura-blog-prod
// examples) pointing the Next.js image at web/. It assumes that repository holds, at its root:
//   package.json, package-lock.json  cdk-hasura-nextjs, aws-cdk-lib and constructs; aws-cdk, typescript
//                                    and ts-node as dev dependencies; a `build` script (e.g. `tsc --noEmit`)
//   cdk.json                         `"app": "npx ts-node --prefer-ts-exts pipeline.ts"`
//   cdk.context.json                 the dev and prod accounts' Availability Zones, which the build cannot look up
//   pipeline.ts                      this file, importing from 'cdk-hasura-nextjs' instead of '../../src'
//   web/                             the Next.js app with its Dockerfile (here: ../nextjs-app)
//   hasura/                          the Hasura project, `hasura init` layout (here: ../hasura-project)
// and that the tools, dev and prod accounts are bootstrapped as the README's "Continuous delivery" says.
import * as path from 'path';
import { App, CfnOutput, Stack, Stage, StageProps } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';
import { HasuraNextjsPlatform, HasuraNextjsPlatformProps, HasuraProject } from '../../src';
import { exampleApp } from '../example-app';
import { acknowledgePipelineFindings } from './compliance';
import { developmentProps } from '../hasura-blog-dev/main';
import { productionProps } from '../hasura-blog-prod/main';

// Placeholders: obviously fake accounts, repository and connection. Replace them with yours.
/** Where the pipeline runs: an account that holds no application. */
export const TOOLS_ACCOUNT = '111111111111';
/** Where the dev stage runs. */
export const DEV_ACCOUNT = '222222222222';
/** Where the prod stage runs. */
export const PROD_ACCOUNT = '333333333333';
/** The region of the pipeline and both stages. */
export const REGION = 'us-east-1';
/** The repository (`owner/name`) and branch the pipeline follows. */
export const REPOSITORY = 'example-org/hasura-blog';
export const BRANCH = 'main';
/** The connection to the repository's host, created once in the tools account (see the README). */
export const CONNECTION_ARN = `arn:aws:codeconnections:${REGION}:${TOOLS_ACCOUNT}:connection/00000000-0000-0000-0000-000000000000`;

/** The Node.js major version of every build in the pipeline. */
const NODE_VERSION = 22;

/** The Hasura project both stages apply; its image is built once per pipeline run. */
const HASURA_PROJECT_DIRECTORY = path.join(__dirname, '..', 'hasura-project');

/**
 * The role Hasura gives requests without credentials. The project grants it nothing, so it can read
 * no table, but it lets the smoke check ask `{ __typename }` without a secret in the pipeline.
 */
export const SMOKE_CHECK_ROLE = 'anonymous';

/** Props of `HasuraBlogStage`. */
export interface HasuraBlogStageProps extends StageProps {
  /** The platform this stage deploys. */
  readonly platform: HasuraNextjsPlatformProps;
}

/** One environment of the blog: a stack with the platform, and its public URL as an output. */
export class HasuraBlogStage extends Stage {
  /** The site's public URL, which the smoke check calls. */
  public readonly siteUrl: CfnOutput;

  constructor(scope: Construct, id: string, props: HasuraBlogStageProps) {
    super(scope, id, props);
    const stack = new Stack(this, 'HasuraBlog', {
      description: `Hasura Blog ${id}: Hasura and Next.js on ECS Fargate, RDS PostgreSQL`,
    });
    const platform = new HasuraNextjsPlatform(stack, 'Platform', props.platform);
    this.siteUrl = new CfnOutput(stack, 'SiteUrl', { value: platform.siteUrl });
  }
}

/** The platform props of a stage: the example's props, with the project and the smoke check's role. */
function stagePlatform(props: HasuraNextjsPlatformProps): HasuraNextjsPlatformProps {
  return {
    ...props,
    hasura: {
      ...props.hasura,
      project: HasuraProject.fromDirectory(HASURA_PROJECT_DIRECTORY),
      unauthorizedRole: SMOKE_CHECK_ROLE,
    },
  };
}

/**
 * Calls the stage's own site after it deployed: `/healthz` must answer 200, and `{ __typename }` POSTed
 * to `/v1/graphql` must return data without errors. Either failure fails the stage. curl retries while
 * a new load balancer's name propagates. The step reads no secret, so none can reach its log.
 */
export function smokeCheck(stage: HasuraBlogStage): pipelines.ShellStep {
  const curl = 'curl -sS --retry 10 --retry-delay 15 --retry-all-errors --max-time 10';
  return new pipelines.ShellStep('SmokeCheck', {
    envFromCfnOutputs: { SITE_URL: stage.siteUrl },
    commands: [
      `HEALTHZ=$(${curl} -o /dev/null -w '%{http_code}' "$SITE_URL/healthz"); echo "GET $SITE_URL/healthz: $HEALTHZ"; test "$HEALTHZ" = 200`,
      `${curl} -H 'Content-Type: application/json' --data '{"query":"{ __typename }"}' "$SITE_URL/v1/graphql"`
        + ' | node -e \'const body = require("fs").readFileSync(0, "utf8"); console.log("POST /v1/graphql: " + body);'
        + ' const response = JSON.parse(body);'
        + ' if (response.errors || !response.data || response.data.__typename !== "query_root") { process.exit(1); }\'',
    ],
  });
}

/**
 * CodePipeline's source action role gets `codestar-connections:UseConnection` from aws-cdk-lib; a
 * connection created since July 2024 has a `codeconnections` ARN, and IAM matches an action only to
 * resources of its own service prefix, so the renamed action is granted as well.
 */
function grantCodeConnectionsUse(pipeline: pipelines.CodePipeline): void {
  const source = pipeline.pipeline.node.findChild('Source') as Construct;
  for (const role of source.node.findAll().filter((c): c is iam.Role => c instanceof iam.Role)) {
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['codeconnections:UseConnection'], resources: [CONNECTION_ARN] }));
  }
}

/** The pipeline stack in the tools account. */
export function createStack(app: App): Stack {
  const stack = new Stack(app, 'HasuraBlogPipeline', {
    env: { account: TOOLS_ACCOUNT, region: REGION },
    description: 'Hasura Blog delivery pipeline: dev, manual approval, prod',
  });

  const pipeline = new pipelines.CodePipeline(stack, 'Pipeline', {
    pipelineName: 'hasura-blog',
    pipelineType: codepipeline.PipelineType.V2,
    // The artifacts cross into the dev and prod accounts, which needs a customer managed key.
    crossAccountKeys: true,
    enableKeyRotation: true,
    selfMutation: true,
    // Privileged synth, so the app may add Docker-bundled assets (e.g. a NodejsFunction) without first
    // turning this on in a separate pipeline run. Image assets are built in the Assets stage, which is
    // privileged whenever the app has one.
    dockerEnabledForSynth: true,
    // Every build (synth, assets, self-mutation, smoke checks) on Ubuntu 24.04 with Node.js 22: the
    // pipelines default image, standard:7.0, starts Node.js 18, below what the library supports.
    codeBuildDefaults: {
      buildEnvironment: { buildImage: codebuild.LinuxBuildImage.STANDARD_8_0 },
      partialBuildSpec: codebuild.BuildSpec.fromObject({ phases: { install: { 'runtime-versions': { nodejs: NODE_VERSION } } } }),
    },
    synth: new pipelines.ShellStep('Synth', {
      input: pipelines.CodePipelineSource.connection(REPOSITORY, BRANCH, { connectionArn: CONNECTION_ARN }),
      commands: ['npm ci', 'npm run build', 'npx cdk synth'],
    }),
  });

  const dev = new HasuraBlogStage(stack, 'Dev', {
    env: { account: DEV_ACCOUNT, region: REGION },
    platform: stagePlatform(developmentProps()),
  });
  pipeline.addStage(dev, { post: [smokeCheck(dev)] });

  const production = productionProps();
  const prod = new HasuraBlogStage(stack, 'Prod', {
    env: { account: PROD_ACCOUNT, region: REGION },
    platform: stagePlatform({
      ...production,
      // The project pools 10 connections per Hasura task; db.t3.micro leaves 9 for each of prod's two
      // (four while deploying), so prod runs db.t4g.small (168 connections), as hasura-blog-https does.
      database: { ...production.database, instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.SMALL) },
    }),
  });
  pipeline.addStage(prod, {
    pre: [new pipelines.ManualApprovalStep('PromoteToProd', { comment: 'Dev passed its smoke check. Deploy to prod?' })],
    post: [smokeCheck(prod)],
  });

  pipeline.buildPipeline();
  grantCodeConnectionsUse(pipeline);
  acknowledgePipelineFindings(pipeline);
  return stack;
}

if (require.main === module) {
  createStack(exampleApp());
}
