import { Stack } from 'aws-cdk-lib';
import * as budgets from 'aws-cdk-lib/aws-budgets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { validateBudgetOptions } from './budget-checks';
import { PlatformBudgetOptions } from './budget-options';
import { allowServiceToPublishWithKey } from '../private/service-key-access';

/** Props of `PlatformBudget`. */
export interface PlatformBudgetProps extends PlatformBudgetOptions {
  /** Short name of the platform; it names the budget. */
  readonly platformName: string;

  /**
   * A topic to notify as well. A topic created in the same app gets a policy that lets AWS Budgets of
   * this account publish, and its key (when created in the same app) lets AWS Budgets use it.
   *
   * @default - e-mail only
   */
  readonly topic?: sns.ITopic;
}

/**
 * A monthly cost budget that notifies when actual spending passes each of `actualPercentages` of the
 * limit and when the month's forecast passes `forecastPercentage`. It covers the whole account: AWS
 * Budgets can narrow to a cost allocation tag only once that tag is activated in the billing console.
 */
export class PlatformBudget extends Construct {
  /** The budget. */
  public readonly budget: budgets.CfnBudget;

  constructor(scope: Construct, id: string, props: PlatformBudgetProps) {
    super(scope, id);
    validateBudgetOptions(props, 'budget', props.topic !== undefined);

    const subscribers: budgets.CfnBudget.SubscriberProperty[] = [
      ...(props.emails ?? []).map((address) => ({ subscriptionType: 'EMAIL', address })),
      ...(props.topic ? [{ subscriptionType: 'SNS', address: props.topic.topicArn }] : []),
    ];
    const notify = (notificationType: string, threshold: number) => ({
      notification: { notificationType, comparisonOperator: 'GREATER_THAN', threshold, thresholdType: 'PERCENTAGE' },
      subscribers,
    });

    this.budget = new budgets.CfnBudget(this, 'Budget', {
      budget: {
        budgetName: `${props.platformName}-monthly`,
        budgetType: 'COST',
        timeUnit: 'MONTHLY',
        budgetLimit: { amount: props.monthlyLimitUsd, unit: 'USD' },
      },
      notificationsWithSubscribers: [
        ...(props.actualPercentages ?? [80, 100]).map((percentage) => notify('ACTUAL', percentage)),
        notify('FORECASTED', props.forecastPercentage ?? 100),
      ],
    });

    if (props.topic) {
      this.allowBudgetsToPublish(props.topic);
    }
  }

  private allowBudgetsToPublish(topic: sns.ITopic): void {
    const account = Stack.of(this).account;
    const { policyDependable } = topic.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowBudgetsToPublish',
      principals: [new iam.ServicePrincipal('budgets.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: {
        StringEquals: { 'aws:SourceAccount': account },
        ArnLike: { 'aws:SourceArn': `arn:${Stack.of(this).partition}:budgets::${account}:*` },
      },
    }));
    // The budget's first notification is checked against the topic policy: create that first.
    if (policyDependable) {
      this.budget.node.addDependency(policyDependable);
    }
    const key = topic.masterKey;
    if (key) {
      allowServiceToPublishWithKey(key, 'budgets.amazonaws.com', 'AllowBudgetsToPublish');
    }
  }
}
