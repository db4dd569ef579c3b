// The rule packs' findings (cdk-nag's AwsSolutions, NIST 800-53 rev 5, HIPAA Security) on what
// aws-cdk-lib's CodePipeline creates in the pipeline stack, reviewed and acknowledged through aws-cdk-lib's
// Validations API. The platforms the pipeline deploys acknowledge their own. Without rule packs, this
// file changes nothing; with them, a finding that appears here later is a change to review.
import { CfnElement, Stack, Validations } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { IConstruct } from 'constructs';

const INLINE_POLICY = ['NIST.800.53.R5-IAMNoInlinePolicy', 'HIPAA.Security-IAMNoInlinePolicy'];

/** Acknowledges the built pipeline's findings; call it after `pipeline.buildPipeline()`. */
export function acknowledgePipelineFindings(pipeline: pipelines.CodePipeline): void {
  const stack = Stack.of(pipeline);
  const iam5 = (finding: string) => `AwsSolutions-IAM5[${finding}]`;
  const codeBuildArn = (service: 'logs' | 'codebuild', resource: string) =>
    `Resource::arn:<AWS::Partition>:${service}:${stack.region}:${stack.account}:${resource}`;
  const logicalId = (construct: IConstruct) => stack.getLogicalId(construct.node.defaultChild as CfnElement);

  const bucket = pipeline.pipeline.artifactBucket;
  const readArtifacts = ['Action::s3:GetObject*', 'Action::s3:GetBucket*', 'Action::s3:List*', `Resource::<${logicalId(bucket)}.Arn>/*`].map(iam5);
  const useKey = ['Action::kms:ReEncrypt*', 'Action::kms:GenerateDataKey*'].map(iam5);
  const artifactsReason = 'aws-cdk-lib grants each role of this pipeline the artifacts of its own bucket and key only;'
    + ' CodePipeline names the artifact objects per run, so the objects and the key\'s data-key actions are granted by wildcard.';

  acknowledge(bucket, 'Holds only intermediate pipeline artifacts (source archives, cloud assemblies) that any run'
    + ' rebuilds from the repository; it is KMS-encrypted, private and TLS-only, and access logs, replicas or'
    + ' versions would keep copies that nobody restores.',
  'AwsSolutions-S1', ...['S3BucketLoggingEnabled', 'S3BucketReplicationEnabled', 'S3BucketVersioningEnabled']
    .flatMap((rule) => [`NIST.800.53.R5-${rule}`, `HIPAA.Security-${rule}`]));

  // The pipeline's own actions: its role, the source, synth and smoke-check roles.
  acknowledge(pipeline.pipeline, artifactsReason, ...readArtifacts, ...useKey, iam5('Action::s3:DeleteObject*'), iam5('Action::s3:Abort*'));
  acknowledge(pipeline.pipeline, 'aws-cdk-lib attaches each role\'s grants as its own default policy, scoped to this'
    + ' pipeline\'s bucket, key, projects and the stage accounts\' bootstrap roles; no policy is shared.', ...INLINE_POLICY);

  const assets = pipeline.node.findChild('Assets');
  acknowledge(assets, artifactsReason, ...readArtifacts);
  acknowledge(assets, 'One role per asset type serves every asset project, which aws-cdk-lib creates after the role, so'
    + ' logs, reports and builds are granted by the CodeBuild prefix; the role reaches the stage accounts only through'
    + ' the bootstrap publishing roles its policy names.',
  iam5('Resource::*'), iam5(codeBuildArn('logs', 'log-group:/aws/codebuild/*')), iam5(codeBuildArn('codebuild', 'report-group/*')),
  ...INLINE_POLICY);

  const selfMutation = pipeline.node.findChild('UpdatePipeline');
  acknowledge(selfMutation, artifactsReason, ...readArtifacts, ...useKey);
  acknowledge(selfMutation, 'Self-mutation runs `cdk deploy` of the pipeline stack: it may assume only this account\'s'
    + ' roles tagged as CDK bootstrap roles (the policy\'s condition), and describes stacks and lists buckets, which'
    + ' take no narrower resource.', iam5(`Resource::arn:*:iam::${stack.account}:role/*`), iam5('Resource::*'), ...INLINE_POLICY);

  acknowledge(pipeline.node.findChild('CodeBuildActionRole'), 'The role CodePipeline assumes to start this pipeline\'s'
    + ' CodeBuild projects; aws-cdk-lib attaches that grant, one statement per project, as its default policy.', ...INLINE_POLICY);

  for (const project of pipeline.node.findAll().filter((c): c is codebuild.Project => c instanceof codebuild.Project)) {
    acknowledge(project, 'The project\'s source is the pipeline\'s artifact, not a repository URL that could hold'
      + ' credentials; the repository is reached only through the CodeConnections connection.', 'HIPAA.Security-CodeBuildProjectSourceRepoUrl');
    const id = logicalId(project);
    if (!project.node.path.startsWith(assets.node.path)) {
      acknowledge(project.role!, 'CodeBuild names each build\'s log streams and report groups, so aws-cdk-lib grants'
        + ' this project\'s own log group streams and report groups by wildcard.',
      iam5(codeBuildArn('logs', `log-group:/aws/codebuild/<${id}>:*`)), iam5(codeBuildArn('codebuild', `report-group/<${id}>-*`)));
    }
  }
}

function acknowledge(scope: IConstruct, reason: string, ...ids: string[]): void {
  Validations.of(scope).acknowledge(...ids.map((id) => ({ id, reason })));
}
