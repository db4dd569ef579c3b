// The pipeline example's contracts: the source comes through the connection, dev deploys before a
// manual approval and prod after it, each stage deploys only into its own account through that account's
// bootstrap roles, each smoke check calls its own stage's site and fails on a bad answer, the images are
// built once for both stages, the artifacts are encrypted, and no secret reaches the pipeline.
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as path from 'path';
import { promisify } from 'util';
import { Template } from 'aws-cdk-lib/assertions';
import {
  BRANCH, CONNECTION_ARN, DEV_ACCOUNT, PROD_ACCOUNT, REGION, REPOSITORY, SMOKE_CHECK_ROLE, TOOLS_ACCOUNT,
} from '../../examples/pipeline/main';
import { containerNamed, environmentOf } from '../util';
import { synthesizedExample } from './helpers';

// Synthesized once per jest run (test/examples/helpers.ts), shared with the other example tests.
const example = synthesizedExample('pipeline');
const resources = example.template.Resources as { [id: string]: any };
const STAGE_ACCOUNTS = { Dev: DEV_ACCOUNT, Prod: PROD_ACCOUNT } as const;
type StageName = keyof typeof STAGE_ACCOUNTS;
const STAGES = Object.keys(STAGE_ACCOUNTS) as StageName[];

function ofType(type: string): Array<[string, any]> {
  return Object.entries(resources).filter(([, r]) => r.Type === type);
}

const [, pipeline] = ofType('AWS::CodePipeline::Pipeline')[0];
const stages: Array<{ Name: string; Actions: any[] }> = pipeline.Properties.Stages;

function actionsOf(stage: string): any[] {
  return [...stages.find((s) => s.Name === stage)!.Actions].sort((a, b) => a.RunOrder - b.RunOrder);
}

function stageTemplate(stage: StageName): { [key: string]: any } {
  return example.platformTemplates[`pipeline ${stage}/HasuraBlog`];
}

/** A value of the template as a string, with the partition filled in (ARNs are joined with it). */
function render(value: any): string {
  if (typeof value === 'string') {
    return value.replace(/\$\{AWS::Partition\}/g, 'aws');
  }
  if (value?.Ref === 'AWS::Partition') {
    return 'aws';
  }
  if (value?.['Fn::Join']) {
    return value['Fn::Join'][1].map(render).join(value['Fn::Join'][0]);
  }
  if (value?.['Fn::Sub']) {
    return render(value['Fn::Sub']);
  }
  return JSON.stringify(value);
}

function bootstrapRole(kind: string, account: string): string {
  return `arn:aws:iam::${account}:role/cdk-hnb659fds-${kind}-role-${account}-${REGION}`;
}

function statementsOf(policy: any): any[] {
  return policy.Properties.PolicyDocument.Statement;
}

/** The commands a CodeBuild action of the pipeline runs, from its project's buildspec. */
function buildCommands(action: any): string[] {
  const project = resources[action.Configuration.ProjectName.Ref];
  return JSON.parse(project.Properties.Source.BuildSpec).phases.build.commands;
}

function smokeCheckOf(stage: StageName): any {
  const smoke = actionsOf(stage).filter((a) => a.Name === 'SmokeCheck');
  expect(smoke).toHaveLength(1);
  return smoke[0];
}

test('the synthesized pipeline stack holds an AWS::CodePipeline::Pipeline of type V2', () => {
  expect(ofType('AWS::CodePipeline::Pipeline')).toHaveLength(1);
  expect(pipeline.Properties.PipelineType).toBe('V2');
});

describe('source', () => {
  const sources = actionsOf('Source');

  test('one action reads the repository\'s branch through the connection', () => {
    expect(sources).toHaveLength(1);
    expect(sources[0].ActionTypeId).toMatchObject({ Category: 'Source', Provider: 'CodeStarSourceConnection' });
    expect(sources[0].Configuration).toMatchObject({ ConnectionArn: CONNECTION_ARN, FullRepositoryId: REPOSITORY, BranchName: BRANCH });
    expect(CONNECTION_ARN).toMatch(new RegExp(`^arn:aws:codeconnections:${REGION}:${TOOLS_ACCOUNT}:connection/`));
  });

  test('its role may use the connection under both service prefixes, and no other connection', () => {
    const roleId = sources[0].RoleArn['Fn::GetAtt'][0];
    const [, policy] = ofType('AWS::IAM::Policy').find(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === roleId))!;
    const uses = statementsOf(policy).filter((s) => [s.Action].flat().some((a: string) => /:UseConnection$/.test(a)));
    expect(uses.flatMap((s) => [s.Action].flat()).sort()).toEqual(['codeconnections:UseConnection', 'codestar-connections:UseConnection']);
    expect(uses.map((s) => s.Resource)).toEqual([CONNECTION_ARN, CONNECTION_ARN]);
  });
});

describe('stages', () => {
  test('run source, synth, self-mutation, the image and file assets, dev, then prod', () => {
    expect(stages.map((s) => s.Name)).toEqual(['Source', 'Build', 'UpdatePipeline', 'Assets', 'Dev', 'Prod']);
  });

  test('prod starts with a manual approval; every other prod action waits for it, and dev has none', () => {
    const [approval, ...rest] = actionsOf('Prod');
    expect(approval.ActionTypeId).toMatchObject({ Category: 'Approval', Owner: 'AWS', Provider: 'Manual' });
    expect(rest.length).toBeGreaterThan(0);
    for (const action of rest) {
      expect(action.RunOrder).toBeGreaterThan(approval.RunOrder);
    }
    const approvals = stages.flatMap((s) => s.Actions.filter((a) => a.ActionTypeId.Category === 'Approval').map(() => s.Name));
    expect(approvals).toEqual(['Prod']);
  });

  test('the images are built in one action each and published to both stage accounts', () => {
    const docker = ofType('AWS::CodeBuild::Project').filter(([id]) => /DockerAsset/.test(id))
      .map(([, project]) => JSON.parse(project.Properties.Source.BuildSpec).phases.build.commands as string[]);
    expect(docker).toHaveLength(2);
    const imageIds = docker.map((commands) => {
      const published = commands.map((c) => /publish "([0-9a-f]{64}):(\d{12})-([a-z0-9-]+?)-[0-9a-f]{8}"$/.exec(c)!);
      expect(published.map((m) => `${m[2]}-${m[3]}`)).toEqual([`${DEV_ACCOUNT}-${REGION}`, `${PROD_ACCOUNT}-${REGION}`]);
      expect(new Set(published.map((m) => m[1])).size).toBe(1);
      return published[0][1];
    });
    // The two are the Next.js image and the Hasura project image, which both stages run.
    for (const stage of STAGES) {
      const images = Object.values<any>(stageTemplate(stage).Resources).filter((r) => r.Type === 'AWS::ECS::TaskDefinition')
        .flatMap((r) => r.Properties.ContainerDefinitions.map((c: any) => JSON.stringify(c.Image)));
      for (const id of imageIds) {
        expect(images.some((image) => image.includes(id))).toBe(true);
      }
    }
  });
});

describe.each(STAGES)('%s stage', (stage) => {
  const account = STAGE_ACCOUNTS[stage];
  const deploys = actionsOf(stage).filter((a) => a.ActionTypeId.Provider === 'CloudFormation');

  test('deploys only into its own account, through that account\'s bootstrap deploy and execution roles', () => {
    expect(deploys.map((a) => a.Configuration.ActionMode)).toEqual(['CHANGE_SET_REPLACE', 'CHANGE_SET_EXECUTE']);
    for (const action of deploys) {
      expect(render(action.RoleArn)).toBe(bootstrapRole('deploy', account));
    }
    expect(render(deploys[0].Configuration.RoleArn)).toBe(bootstrapRole('cfn-exec', account));
    expect(deploys[0].Configuration.StackName).toBe(`${stage}-HasuraBlog`);
  });

  test('its smoke check runs after the deployment and reads this stage\'s own site URL output', () => {
    const smoke = smokeCheckOf(stage);
    const execute = deploys.find((a) => a.Configuration.ActionMode === 'CHANGE_SET_EXECUTE');
    expect(smoke.RunOrder).toBeGreaterThan(execute.RunOrder);
    const variables = JSON.parse(smoke.Configuration.EnvironmentVariables);
    expect(variables).toEqual([{ name: 'SITE_URL', type: 'PLAINTEXT', value: expect.any(String) }]);
    const [, namespace, output] = /^#\{(.+)\.(.+)\}$/.exec(variables[0].value)!;
    expect(namespace).toBe(execute.Namespace);
    // The output is this stage's site: the URL of its own load balancer.
    const siteUrl = stageTemplate(stage).Outputs[output].Value;
    const [loadBalancerId] = siteUrl['Fn::Join'][1][1]['Fn::GetAtt'];
    expect(siteUrl['Fn::Join'][1][0]).toBe('http://');
    expect(stageTemplate(stage).Resources[loadBalancerId].Type).toBe('AWS::ElasticLoadBalancingV2::LoadBalancer');
  });

  test('its Hasura answers credential-free requests as the smoke check\'s role, which the project grants nothing', () => {
    expect(environmentOf(containerNamed(Template.fromJSON(stageTemplate(stage)), 'hasura')).HASURA_GRAPHQL_UNAUTHORIZED_ROLE).toBe(SMOKE_CHECK_ROLE);
    const tables = path.join(__dirname, '..', '..', 'examples', 'hasura-project', 'metadata', 'databases', 'default', 'tables');
    for (const file of fs.readdirSync(tables)) {
      expect(fs.readFileSync(path.join(tables, file), 'utf8')).not.toMatch(new RegExp(`role:\\s*${SMOKE_CHECK_ROLE}\\b`));
    }
  });
});

test('dev and prod are distinct platforms: their own names, the development and the production settings', () => {
  const logGroups = (stage: StageName) => Object.values<any>(stageTemplate(stage).Resources)
    .filter((r) => r.Type === 'AWS::Logs::LogGroup' && r.Properties.LogGroupName).map((r) => r.Properties.LogGroupName);
  expect(logGroups('Dev')).toContain('/ecs/hasura-blog-dev/hasura');
  expect(logGroups('Prod')).toContain('/ecs/hasura-blog-prod/hasura');
  const database = (stage: StageName) => Object.values<any>(stageTemplate(stage).Resources).find((r) => r.Type === 'AWS::RDS::DBInstance').Properties;
  const protection = (stage: StageName) => Object.values<any>(stageTemplate(stage).Resources)
    .find((r) => r.Type === 'Custom::DeletionProtection').Properties.ProtectDatabase;
  expect([protection('Dev'), protection('Prod')]).toEqual(['false', 'true']);
  expect(database('Prod').DBInstanceClass).toBe('db.t4g.small');
});

describe('who may deploy where', () => {
  const deployRoles = [DEV_ACCOUNT, PROD_ACCOUNT].map((account) => bootstrapRole('deploy', account)).sort();

  test('only the stages\' deploy roles may read the artifacts and decrypt them', () => {
    const [, bucketPolicy] = ofType('AWS::S3::BucketPolicy')[0];
    const readers = statementsOf(bucketPolicy).filter((s) => s.Effect === 'Allow').map((s) => render(s.Principal.AWS));
    expect(readers.sort()).toEqual(deployRoles);
    const [, key] = ofType('AWS::KMS::Key')[0];
    const principals = key.Properties.KeyPolicy.Statement.map((s: any) => render(s.Principal.AWS));
    expect(principals.sort()).toEqual([...deployRoles, `arn:aws:iam::${TOOLS_ACCOUNT}:root`].sort());
  });

  test('asset publishing may assume only the stages\' bootstrap publishing roles', () => {
    const assumed = ofType('AWS::IAM::Policy').filter(([id]) => /Assets/.test(id))
      .flatMap(([, p]) => statementsOf(p).filter((s) => s.Action === 'sts:AssumeRole').flatMap((s) => [s.Resource].flat().map(render)));
    expect(assumed.sort()).toEqual([DEV_ACCOUNT, PROD_ACCOUNT]
      .flatMap((account) => [bootstrapRole('file-publishing', account), bootstrapRole('image-publishing', account)]).sort());
  });

  test('no CloudFormation action outside the dev and prod stages', () => {
    const deploying = stages.filter((s) => s.Actions.some((a) => a.ActionTypeId.Provider === 'CloudFormation')).map((s) => s.Name);
    expect(deploying).toEqual(STAGES);
  });
});

test('the artifact bucket is encrypted with the pipeline\'s rotating KMS key, which the pipeline uses too', () => {
  const [keyId, key] = ofType('AWS::KMS::Key')[0];
  expect(key.Properties.EnableKeyRotation).toBe(true);
  const [bucketId, bucket] = ofType('AWS::S3::Bucket')[0];
  expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
    { ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] } } },
  ]);
  expect(pipeline.Properties.ArtifactStore).toEqual({
    Type: 'S3', Location: { Ref: bucketId }, EncryptionKey: { Type: 'KMS', Id: { 'Fn::GetAtt': [keyId, 'Arn'] } },
  });
});

describe('no secret reaches the pipeline', () => {
  const text = JSON.stringify(example.template);

  test('no build reads a secret: plain variables only, none named like a secret', () => {
    for (const [, project] of ofType('AWS::CodeBuild::Project')) {
      for (const variable of project.Properties.Environment.EnvironmentVariables ?? []) {
        expect(variable.Type).toBe('PLAINTEXT');
      }
    }
    const actionVariables = stages.flatMap((s) => s.Actions)
      .flatMap((a) => (a.Configuration.EnvironmentVariables ? JSON.parse(a.Configuration.EnvironmentVariables) : []));
    expect(actionVariables.filter((v: any) => v.type !== 'PLAINTEXT' || /SECRET|PASSWORD|TOKEN|JWT|KEY/i.test(v.name))).toEqual([]);
  });

  test('no role may read a secret, and the template references none', () => {
    expect(text).not.toMatch(/secretsmanager|ssm:GetParameter|resolve:ssm/i);
  });

  test('the smoke checks send no credentials and print only the URL, the status and the answer', () => {
    for (const stage of STAGES) {
      const commands = buildCommands(smokeCheckOf(stage)).join('\n');
      expect(commands).not.toMatch(/admin-secret|authorization|x-hasura-|aws /i);
      expect([...commands.matchAll(/-H '([^']+)'/g)].map((m) => m[1])).toEqual(['Content-Type: application/json']);
    }
  });
});

describe('the smoke check, run against a stand-in site', () => {
  interface Answer { status: number; body: string }
  let answers: { healthz: Answer; graphql: Answer };
  const requests: Array<{ method?: string; url?: string; contentType?: string; body: string }> = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk)).on('end', () => {
      requests.push({ method: request.method, url: request.url, contentType: request.headers['content-type'], body });
      const answer = request.url === '/healthz' ? answers.healthz : request.url === '/v1/graphql' ? answers.graphql : { status: 404, body: '' };
      response.writeHead(answer.status, { 'Content-Type': 'application/json' }).end(answer.body);
    });
  });
  const commands = buildCommands(smokeCheckOf('Dev'));
  const HEALTHY = { status: 200, body: 'OK' };
  const DATA = { status: 200, body: '{"data":{"__typename":"query_root"}}' };

  beforeAll(() => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve)));
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** Runs the commands as CodeBuild does: in order, stopping at the first that fails. Returns whether all passed. */
  async function smokeCheckPasses(healthz: Answer, graphql: Answer): Promise<boolean> {
    answers = { healthz, graphql };
    const siteUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    for (const command of commands) {
      try {
        await promisify(execFile)('bash', ['-c', command], { env: { ...process.env, SITE_URL: siteUrl } });
      } catch {
        return false;
      }
    }
    return true;
  }

  test('the same commands run in both stages', () => {
    expect(buildCommands(smokeCheckOf('Prod'))).toEqual(commands);
  });

  test('passes when /healthz answers 200 and the query returns data, having asked what it should', async () => {
    requests.length = 0;
    expect(await smokeCheckPasses(HEALTHY, DATA)).toBe(true);
    expect(requests).toEqual([
      { method: 'GET', url: '/healthz', contentType: undefined, body: '' },
      { method: 'POST', url: '/v1/graphql', contentType: 'application/json', body: '{"query":"{ __typename }"}' },
    ]);
  });

  test.each([
    ['/healthz answers 404', { status: 404, body: 'not found' }, DATA],
    ['/healthz redirects', { status: 301, body: '' }, DATA],
    ['the answer has errors', HEALTHY, { status: 200, body: '{"errors":[{"message":"field not found"}]}' }],
    ['the answer has data and errors', HEALTHY, { status: 200, body: '{"data":{"__typename":"query_root"},"errors":[{"message":"x"}]}' }],
    ['the answer has no data', HEALTHY, { status: 200, body: '{"data":null}' }],
    ['the answer is a page, not GraphQL', HEALTHY, { status: 200, body: '<!DOCTYPE html><html></html>' }],
    ['the answer comes from another GraphQL server', HEALTHY, { status: 200, body: '{"data":{"__typename":"Query"}}' }],
  ])('fails when %s', async (_case, healthz, graphql) => {
    expect(await smokeCheckPasses(healthz, graphql)).toBe(false);
  });
});
