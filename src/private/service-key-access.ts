import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';

/**
 * Lets an AWS service of this account encrypt messages with `key`, as it must to publish to a topic
 * encrypted with it. A key imported from elsewhere is left unchanged: its policy is its owner's.
 */
export function allowServiceToPublishWithKey(key: kms.IKey, service: string, sid: string): void {
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid,
    principals: [new iam.ServicePrincipal(service)],
    actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    resources: ['*'],
    conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(key).account } },
  }));
}
