import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';

/**
 * The status of the stack a custom resource belongs to, as its handler sees it while CloudFormation
 * waits for it, e.g. `UPDATE_ROLLBACK_IN_PROGRESS`. CloudFormation tells a handler nothing else about a
 * rollback: an update rollback arrives as an ordinary Update with the properties swapped.
 */
export async function stackStatus(client: CloudFormationClient, stackId: string): Promise<string | undefined> {
  const response = await client.send(new DescribeStacksCommand({ StackName: stackId }));
  return response.Stacks?.[0]?.StackStatus;
}
