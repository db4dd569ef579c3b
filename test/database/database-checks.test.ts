// Database inputs that aws-cdk-lib accepts, at most with a template-validation warning, but that RDS
// refuses at deploy time: each fails at synth with an error naming the prop, the value and what is allowed.
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { HasuraNextjsPlatform, PlatformDatabaseOptions } from '../../src';
import { minimalProps, onlyResource, synthPlatform, testStack } from '../util';

const cases: Array<[string, PlatformDatabaseOptions, RegExp]> = [
  ['the db. prefix (aws-cdk-lib would make it db.db.t4g.small)', { instanceType: new ec2.InstanceType('db.t4g.small') },
    /^Invalid database\.instanceType: "db\.t4g\.small"\. Write the instance class without the "db\." prefix, which RDS adds \(this would become "db\.db\.t4g\.small"\): e\.g\. ec2\.InstanceType\.of\(ec2\.InstanceClass\.T4G, ec2\.InstanceSize\.SMALL\)/],
  ['no size', { instanceType: new ec2.InstanceType('t4g') }, /^Invalid database\.instanceType: "t4g"\. Use "<class>\.<size>"/],
  ['an instance class aws-cdk-lib does not know', { instanceType: new ec2.InstanceType('q9.large') },
    /^Invalid database\.instanceType: "q9\.large"\. "q9" is not an instance class aws-cdk-lib knows \(ec2\.InstanceClass\)/],
  ['a size that does not exist', { instanceType: new ec2.InstanceType('t3.huge') },
    /^Invalid database\.instanceType: "t3\.huge"\. "huge" is not a size RDS offers/],
  ['nano, which RDS does not offer', { instanceType: ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.NANO) },
    /^Invalid database\.instanceType: "t3\.nano"\. "nano" is not a size RDS offers/],
  ['bare metal, which RDS does not offer', { instanceType: ec2.InstanceType.of(ec2.InstanceClass.M5, ec2.InstanceSize.METAL) },
    /^Invalid database\.instanceType: "m5\.metal"\. "metal" is not a size RDS offers/],
  ['a backup window under 30 minutes', { preferredBackupWindow: '03:00-03:20' },
    /^Invalid database\.preferredBackupWindow: "03:00-03:20"\. RDS needs a backup window of at least 30 minutes\./],
  ['a backup window over the default maintenance window', { preferredBackupWindow: '04:30-05:30' },
    /^Invalid database\.preferredBackupWindow: "04:30-05:30"\. It overlaps database\.preferredMaintenanceWindow \("mon:04:00-mon:05:00"\), which RDS refuses; move one of them\./],
  ['a maintenance window over the default backup window', { preferredMaintenanceWindow: 'sat:03:30-sat:04:30' },
    /^Invalid database\.preferredBackupWindow: "03:00-04:00"\. It overlaps database\.preferredMaintenanceWindow \("sat:03:30-sat:04:30"\)/],
  ['windows that overlap across midnight', { preferredBackupWindow: '23:30-00:30', preferredMaintenanceWindow: 'sun:23:45-mon:01:00' },
    /^Invalid database\.preferredBackupWindow: "23:30-00:30"\. It overlaps/],
];

describe('invalid database props fail at synth time', () => {
  test.each(cases)('%s', (_name, database, message) => {
    const stack = testStack();
    expect(() => new HasuraNextjsPlatform(stack, 'Platform', minimalProps({ database }))).toThrow(message);
    expect(stack.node.tryFindChild('Platform')?.node.children ?? []).toHaveLength(0);
  });
});

describe('valid neighbours are accepted', () => {
  test.each([
    ['t4g.small, written as aws-cdk-lib spells it', { instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.SMALL) }, 'db.t4g.small'],
    ['r7g.2xlarge as text', { instanceType: new ec2.InstanceType('r7g.2xlarge') }, 'db.r7g.2xlarge'],
  ])('%s', (_name, database, dbInstanceClass) => {
    const { template } = synthPlatform({ database });
    expect(onlyResource(template, 'AWS::RDS::DBInstance').Properties.DBInstanceClass).toBe(dbInstanceClass);
  });

  test('a 30-minute backup window that ends as the maintenance window starts', () => {
    const { template } = synthPlatform({ database: { preferredBackupWindow: '03:30-04:00', preferredMaintenanceWindow: 'mon:04:00-mon:04:30' } });
    Template.fromJSON(template.toJSON()).hasResourceProperties('AWS::RDS::DBInstance', {
      PreferredBackupWindow: '03:30-04:00', PreferredMaintenanceWindow: 'mon:04:00-mon:04:30',
    });
  });
});
