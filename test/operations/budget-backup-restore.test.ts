import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { PlatformRecoveryRegion } from '../../src';
import { onlyResource, synthPlatform, testApp } from '../util';

const VAULT = 'arn:aws:backup:us-west-2:111122223333:backup-vault:blog-dr';

describe('budget', () => {
  const { stack, platform, template } = synthPlatform({
    platformName: 'blog', monitoring: {}, budget: { monthlyLimitUsd: 250, emails: ['billing@example.com'] },
  });

  test('a monthly cost budget notifies at 80% and 100% actual and 100% forecast, by e-mail and on the topic', () => {
    const budget = onlyResource(template, 'AWS::Budgets::Budget').Properties;
    expect(budget.Budget).toEqual({
      BudgetName: 'blog-monthly', BudgetType: 'COST', TimeUnit: 'MONTHLY', BudgetLimit: { Amount: 250, Unit: 'USD' },
    });
    const subscribers = [
      { SubscriptionType: 'EMAIL', Address: 'billing@example.com' },
      { SubscriptionType: 'SNS', Address: stack.resolve(platform.monitoring!.topic.topicArn) },
    ];
    expect(budget.NotificationsWithSubscribers).toEqual([
      ['ACTUAL', 80], ['ACTUAL', 100], ['FORECASTED', 100],
    ].map(([type, threshold]) => ({
      Notification: { NotificationType: type, ComparisonOperator: 'GREATER_THAN', Threshold: threshold, ThresholdType: 'PERCENTAGE' },
      Subscribers: subscribers,
    })));
  });

  test('AWS Budgets of this account may publish to the topic and use its key', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'AllowBudgetsToPublish',
          Effect: 'Allow',
          Principal: { Service: 'budgets.amazonaws.com' },
          Action: 'sns:Publish',
          Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' }, ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':budgets::123456789012:*']] } } },
        })]),
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'AllowBudgetsToPublish', Principal: { Service: 'budgets.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        })]),
      },
    });
  });

  test.each([
    ['budget.monthlyLimitUsd', { monthlyLimitUsd: 0, emails: ['a@example.com'] }, {}],
    ['budget.emails', { monthlyLimitUsd: 10 }, undefined],
    ['budget.emails', { monthlyLimitUsd: 10, emails: Array.from({ length: 11 }, (_, i) => `a${i}@example.com`) }, {}],
    ['budget.actualPercentages', { monthlyLimitUsd: 10, actualPercentages: [0] }, {}],
    ['budget.forecastPercentage', { monthlyLimitUsd: 10, forecastPercentage: 2000 }, {}],
  ])('bad input names %s', (prop, budget, monitoring) => {
    expect(() => synthPlatform({ budget, monitoring })).toThrow(`Invalid ${prop}:`);
  });
});

describe('backup', () => {
  const { stack, platform, template } = synthPlatform({ backup: { copyToVaultArn: VAULT, copyRetention: Duration.days(90) } });

  test('a retained vault encrypted with the platform key', () => {
    const vault = onlyResource(template, 'AWS::Backup::BackupVault');
    expect(vault.DeletionPolicy).toBe('Retain');
    expect(vault.Properties.EncryptionKeyArn).toEqual(stack.resolve(platform.encryptionKey.keyArn));
  });

  test('a daily rule keeps 35 days and copies each backup to the other region for 90 days', () => {
    const rule = onlyResource(template, 'AWS::Backup::BackupPlan').Properties.BackupPlan.BackupPlanRule[0];
    expect(rule).toMatchObject({
      ScheduleExpression: 'cron(0 6 * * ? *)',
      Lifecycle: { DeleteAfterDays: 35 },
      CopyActions: [{ DestinationBackupVaultArn: VAULT, Lifecycle: { DeleteAfterDays: 90 } }],
    });
  });

  test('the database is selected', () => {
    const selection = JSON.stringify(onlyResource(template, 'AWS::Backup::BackupSelection').Properties);
    expect(selection).toContain(JSON.stringify(stack.resolve(platform.database.instance.instanceIdentifier)).slice(1, -1));
  });

  test('the plan is named after the platform, so that a second platform in the account does not collide', () => {
    const { template: named } = synthPlatform({ platformName: 'shop', backup: {} });
    expect(onlyResource(named, 'AWS::Backup::BackupPlan').Properties.BackupPlan.BackupPlanName).toBe('shop-database');
  });

  test.each([
    ['backup.copyToVaultArn', { copyToVaultArn: 'arn:aws:backup:us-east-1:111122223333:backup-vault:same-region' }],
    ['backup.copyToRegion', { copyToRegion: 'us-east-1' }],
    ['backup.copyToRegion', { copyToRegion: 'mars-1' }],
    ['backup.copyToRegion', { copyToRegion: 'us-west-2', copyToVaultArn: VAULT }],
    ['backup.copyToVaultArn', { copyToVaultArn: 'vault' }],
    ['backup.retention', { retention: Duration.hours(5) }],
    ['backup.copyRetention', { copyRetention: Duration.days(3) }],
  ])('bad input names %s', (prop, backup) => {
    expect(() => synthPlatform({ backup })).toThrow(`Invalid ${prop}:`);
  });
});

describe('restore from a snapshot', () => {
  const { stack, platform, template } = synthPlatform({ database: { snapshotIdentifier: 'blog-before-upgrade' } });
  const instance = onlyResource(template, 'AWS::RDS::DBInstance');

  test('the instance is restored from the snapshot, with the retained secret\'s password and no new database name', () => {
    expect(instance.Properties.DBSnapshotIdentifier).toBe('blog-before-upgrade');
    expect(JSON.stringify(instance.Properties.MasterUserPassword)).toContain(stack.resolve(platform.database.secret.secretArn).Ref);
    expect(instance.Properties.DBName).toBeUndefined();
    expect(instance.Properties.MasterUsername).toBeUndefined();
    expect(instance.DeletionPolicy).toBe('Snapshot');
  });

  test('Hasura still logs in as its role at the restored endpoint, which the role\'s handler reaches with the retained master secret', () => {
    const hasura = Object.values(template.findResources('AWS::ECS::TaskDefinition'))
      .flatMap((t: any) => t.Properties.ContainerDefinitions).find((c: any) => c.Name === 'hasura');
    const roleSecretRef = stack.resolve(platform.hasura.databaseRole.secret.secretArn).Ref;
    expect(JSON.stringify(hasura.Secrets.find((s: any) => s.Name === 'PLATFORM_DB_PASSWORD'))).toContain(roleSecretRef);
    const instanceId = Object.keys(template.findResources('AWS::RDS::DBInstance'))[0];
    const host = hasura.Environment.find((e: any) => e.Name === 'PLATFORM_DB_HOST').Value;
    expect(host).toEqual({ 'Fn::GetAtt': [instanceId, 'Endpoint.Address'] });
    // The restored instance is a new endpoint, so the role is put in step there (its password, from the same secret).
    const role = onlyResource(template, 'Custom::HasuraDatabaseRole').Properties;
    expect(role.Host).toEqual({ 'Fn::GetAtt': [instanceId, 'Endpoint.Address'] });
    expect(role.MasterSecretArn).toEqual(stack.resolve(platform.database.secret.secretArn));
  });

  test('bad input names database.snapshotIdentifier', () => {
    expect(() => synthPlatform({ database: { snapshotIdentifier: 'not a snapshot' } })).toThrow('Invalid database.snapshotIdentifier:');
  });
});

describe('database log groups', () => {
  test('with an instance name, both log groups exist before the instance, with the key and a month of retention', () => {
    const { stack, platform, template } = synthPlatform({ database: { instanceIdentifier: 'blog-db' } });
    const groups = template.findResources('AWS::Logs::LogGroup', { Properties: { LogGroupName: Match.stringLikeRegexp('^/aws/rds/instance/') } });
    expect(Object.values(groups).map((g) => g.Properties.LogGroupName).sort())
      .toEqual(['/aws/rds/instance/blog-db/postgresql', '/aws/rds/instance/blog-db/upgrade']);
    for (const group of Object.values(groups)) {
      expect(group.Properties).toMatchObject({ RetentionInDays: 30, KmsKeyId: stack.resolve(platform.encryptionKey.keyArn) });
      expect(group.DeletionPolicy).toBe('RetainExceptOnCreate');
    }
    const instance = onlyResource(template, 'AWS::RDS::DBInstance');
    expect(instance.Properties.DBInstanceIdentifier).toBe('blog-db');
    expect(instance.DependsOn).toEqual(expect.arrayContaining(Object.keys(groups)));
  });

  test('without one, RDS creates them (no log group resources for the database)', () => {
    const { template } = synthPlatform();
    expect(Object.keys(template.findResources('AWS::Logs::LogGroup', { Properties: { LogGroupName: Match.stringLikeRegexp('^/aws/rds/') } }))).toEqual([]);
  });

  test('bad input names database.instanceIdentifier', () => {
    expect(() => synthPlatform({ database: { instanceIdentifier: 'Blog_DB' } })).toThrow('Invalid database.instanceIdentifier: "Blog_DB"');
  });
});

describe('copies to a recovery region', () => {
  const { stack, template } = synthPlatform({ platformName: 'shop', monitoring: {}, backup: { copyToRegion: 'us-west-2' } });
  const resources = template.toJSON().Resources;

  test('every backup is copied to the vault the recovery region holds for this platform', () => {
    const rule = onlyResource(template, 'AWS::Backup::BackupPlan').Properties.BackupPlan.BackupPlanRule[0];
    expect(stack.resolve(rule.CopyActions[0].DestinationBackupVaultArn)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':backup:us-west-2:123456789012:backup-vault:shop-dr']],
    });
  });

  test('the plan\'s role may re-encrypt the copies with that region\'s keys, through RDS and AWS Backup only', () => {
    const statement = Object.values<any>(resources).filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((p) => p.Properties.PolicyDocument.Statement).find((s) => JSON.stringify(s.Resource).includes(':kms:us-west-2:'));
    expect(statement.Action).toEqual(expect.arrayContaining(['kms:CreateGrant', 'kms:Decrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*']));
    expect(statement.Condition).toEqual({ StringLike: { 'kms:ViaService': ['rds.us-west-2.amazonaws.com', 'backup.us-west-2.amazonaws.com'] } });
  });

  test('backup and copy jobs that fail, abort or expire notify the alarm topic', () => {
    const rule = onlyResource(template, 'AWS::Events::Rule');
    expect(rule.Properties.EventPattern).toEqual({
      'source': ['aws.backup'],
      'detail-type': ['Backup Job State Change', 'Copy Job State Change'],
      'detail': { state: ['FAILED', 'ABORTED', 'EXPIRED'] },
    });
    const topicId = Object.entries<any>(resources).find(([, r]) => r.Type === 'AWS::SNS::Topic')![0];
    expect(rule.Properties.Targets).toEqual([expect.objectContaining({ Arn: { Ref: topicId } })]);
  });

  test('PlatformRecoveryRegion holds the vault, named after the platform, with a retained key of its own region', () => {
    const recovery = new Stack(testApp(), 'Recovery', { env: { account: '123456789012', region: 'us-west-2' } });
    const region = new PlatformRecoveryRegion(recovery, 'Recovery', { platformName: 'shop', primaryRegion: 'us-east-1' });
    const recoveryTemplate = Template.fromStack(recovery);
    const vault = onlyResource(recoveryTemplate, 'AWS::Backup::BackupVault');
    expect(vault.Properties.BackupVaultName).toBe('shop-dr');
    expect(vault.DeletionPolicy).toBe('Retain');
    expect(vault.Properties.EncryptionKeyArn).toEqual(recovery.resolve(region.encryptionKey.keyArn));
    expect(onlyResource(recoveryTemplate, 'AWS::KMS::Key')).toMatchObject({ DeletionPolicy: 'Retain', Properties: { EnableKeyRotation: true } });
  });

  test('PlatformRecoveryRegion refuses the platform\'s own region', () => {
    const recovery = new Stack(testApp(), 'Same', { env: { account: '123456789012', region: 'us-east-1' } });
    expect(() => new PlatformRecoveryRegion(recovery, 'Recovery', { platformName: 'shop', primaryRegion: 'us-east-1' }))
      .toThrow(/^Invalid primaryRegion: "us-east-1"\. It is this stack's region/);
  });
});
