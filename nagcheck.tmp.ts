import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks } from 'cdk-nag';
import { Template } from 'aws-cdk-lib/assertions';
import { exampleApp } from './examples/example-app';
import { createStack } from './examples/mix-day/main';
const app = exampleApp();
const stack = createStack(app);
for (const pack of [new AwsSolutionsChecks(app), new NIST80053R5Checks(app), new HIPAASecurityChecks(app)]) {
  for (const v of pack.validateScope(app).violations) console.log(v.ruleName, v.violatingResources.map((r) => r.constructPath).join(', '));
}
const t = Template.fromStack(stack).toJSON();
for (const [id, r] of Object.entries<any>(t.Resources)) {
  if (r.Type === 'AWS::EC2::SecurityGroupIngress' || r.Type === 'AWS::EC2::SecurityGroup') console.log(id, JSON.stringify(r.Properties.SecurityGroupIngress ?? r.Properties));
  if (r.Type === 'AWS::ElasticLoadBalancingV2::LoadBalancer') console.log(id, r.Properties.Scheme);
}
