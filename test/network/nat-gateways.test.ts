// What changing the NAT gateway count does to a deployed platform, as the engine of `cdk diff` sees it:
// the documentation of `network.natGateways` and the README promise exactly this.
import { fullDiff, TemplateDiff } from '@aws-cdk/cloudformation-diff';
import { Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { createStack, productionProps } from '../../examples/hasura-blog-prod/main';
import { HasuraNextjsPlatform } from '../../src';
import { minimalProps, testApp, testStack } from '../util';

function productionWith(natGateways: number): { [key: string]: any } {
  const props = productionProps();
  const app = testApp();
  return Template.fromStack(createStack(app, { ...props, network: { ...props.network, natGateways } })).toJSON();
}

/** Every changed resource as `<type> <impact>` plus the properties that change, sorted. */
function changes(diff: TemplateDiff): string[] {
  const found: string[] = [];
  diff.resources.forEachDifference((_id, change) => {
    const properties = Object.keys(change.propertyUpdates).sort().join(',');
    found.push(`${change.resourceType} ${change.changeImpact}${properties ? ` (${properties})` : ''}`);
  });
  return found.sort();
}

test('two NAT gateways -> one: the second gateway and its IP go, its zone is re-routed in place', () => {
  expect(changes(fullDiff(productionWith(2), productionWith(1)))).toEqual([
    'AWS::EC2::EIP WILL_DESTROY',
    'AWS::EC2::NatGateway WILL_DESTROY',
    'AWS::EC2::Route WILL_UPDATE (NatGatewayId)',
  ]);
});

test('one NAT gateway -> two: a gateway and its IP are added, the second zone is re-routed in place', () => {
  expect(changes(fullDiff(productionWith(1), productionWith(2)))).toEqual([
    'AWS::EC2::EIP WILL_CREATE',
    'AWS::EC2::NatGateway WILL_CREATE',
    'AWS::EC2::Route WILL_UPDATE (NatGatewayId)',
  ]);
});

test('a NAT count known only at deploy time is refused (aws-cdk-lib would build no NAT gateway)', () => {
  const stack = testStack();
  const natGateways = Token.asNumber({ Ref: 'NatCount' });
  expect(() => new HasuraNextjsPlatform(stack, 'Platform', minimalProps({ network: { natGateways } })))
    .toThrow(/^Invalid network\.natGateways: \"\$\{Token\[TOKEN\.\d+\]\}\"\. It must be a number known at synth time, from 1 to 2, not a token\./);
});
