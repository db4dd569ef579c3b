import * as ec2 from 'aws-cdk-lib/aws-ec2';

/**
 * Hands the VPC exactly the subnet CIDRs it was given, per subnet type and in AZ order, instead of
 * carving them out of the VPC range one after another. This is what lets the platform lay out
 * `10.0.10.0/24` private subnets next to `10.0.0.0/24` public ones, as the reference topology does.
 */
export class ExplicitSubnetCidrs implements ec2.IIpAddresses {
  constructor(
    private readonly vpcCidr: string,
    private readonly cidrsByType: ReadonlyMap<ec2.SubnetType, readonly string[]>,
  ) {}

  public allocateVpcCidr(): ec2.VpcIpamOptions {
    return { cidrBlock: this.vpcCidr };
  }

  public allocateSubnetsCidr(input: ec2.AllocateCidrRequest): ec2.SubnetIpamOptions {
    const used = new Map<ec2.SubnetType, number>();
    const allocatedSubnets = input.requestedSubnets.map((subnet) => {
      const type = subnet.configuration.subnetType;
      const index = used.get(type) ?? 0;
      used.set(type, index + 1);
      const cidr = this.cidrsByType.get(type)?.[index];
      if (cidr === undefined) {
        throw new Error(`No CIDR was planned for ${type} subnet #${index + 1} (${subnet.subnetConstructId}).`);
      }
      return { cidr };
    });
    return { allocatedSubnets };
  }
}
