import { arn, type ModelResource, type TypeModel } from "./model";

/**
 * EC2 networking. Defaults and computed attributes from the Terraform AWS provider's docs
 * (registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpc, subnet, eip, nat_gateway,
 * route_table, security_group) and the `*State` types of @pulumi/aws.
 */

const ec2Id = (r: ModelResource, prefix: string, part = "") =>
  `${prefix}-${r.env.generated.hex(`${r.key}\0${part}`, 17)}`;

/** A public IPv4 address in AWS's 3.0.0.0/9 range, drawn from the seed. */
function publicIp(r: ModelResource): string {
  const b = Buffer.from(r.env.generated.hex(`${r.key}\0ip`, 6), "hex");
  return `3.${b[0] % 128}.${b[1]}.${(b[2] % 254) + 1}`;
}

export const models: Record<string, TypeModel> = {
  "aws:ec2/vpc:Vpc": {
    defaults: {
      assignGeneratedIpv6CidrBlock: false,
      enableDnsHostnames: false,
      enableDnsSupport: true,
      instanceTenancy: "default",
    },
    computed: (r) => {
      const id = ec2Id(r, "vpc");
      return {
        id,
        arn: arn(r.env, "ec2", `vpc/${id}`),
        defaultNetworkAclId: ec2Id(r, "acl"),
        defaultRouteTableId: ec2Id(r, "rtb", "default"),
        defaultSecurityGroupId: ec2Id(r, "sg", "default"),
        dhcpOptionsId: ec2Id(r, "dopt"),
        enableNetworkAddressUsageMetrics: false,
        mainRouteTableId: ec2Id(r, "rtb", "default"),
        ownerId: r.env.accountId,
      };
    },
  },
  "aws:ec2/subnet:Subnet": {
    defaults: {
      assignIpv6AddressOnCreation: false,
      enableDns64: false,
      enableResourceNameDnsAaaaRecordOnLaunch: false,
      enableResourceNameDnsARecordOnLaunch: false,
      ipv6Native: false,
      mapPublicIpOnLaunch: false,
    },
    computed: (r) => {
      const id = ec2Id(r, "subnet");
      const zone = String(r.inputs["availabilityZone"] ?? `${r.env.region}a`);
      return {
        id,
        arn: arn(r.env, "ec2", `subnet/${id}`),
        availabilityZone: zone,
        availabilityZoneId: `${r.env.region
          .split("-")
          .map((p) => p[0])
          .join("")}${r.env.region.slice(-1)}-az${zone.charCodeAt(zone.length - 1) - 96}`,
        enableLniAtDeviceIndex: 0,
        ownerId: r.env.accountId,
        privateDnsHostnameTypeOnLaunch: "ip-name",
      };
    },
  },
  "aws:ec2/internetGateway:InternetGateway": {
    computed: (r) => {
      const id = ec2Id(r, "igw");
      return { id, arn: arn(r.env, "ec2", `internet-gateway/${id}`), ownerId: r.env.accountId };
    },
  },
  "aws:ec2/eip:Eip": {
    computed: (r) => {
      const id = ec2Id(r, "eipalloc");
      const ip = publicIp(r);
      return {
        id,
        allocationId: id,
        arn: arn(r.env, "ec2", `elastic-ip/${id}`),
        domain: "vpc",
        networkBorderGroup: r.env.region,
        publicDns: `ec2-${ip.replaceAll(".", "-")}.compute-1.amazonaws.com`,
        publicIp: ip,
        publicIpv4Pool: "amazon",
      };
    },
  },
  "aws:ec2/natGateway:NatGateway": {
    defaults: { connectivityType: "public" },
    computed: (r) => {
      const b = Buffer.from(r.env.generated.hex(`${r.key}\0private`, 4), "hex");
      return {
        id: ec2Id(r, "nat"),
        associationId: ec2Id(r, "eipassoc"),
        networkInterfaceId: ec2Id(r, "eni"),
        privateIp: `10.0.${b[0] % 16}.${(b[1] % 250) + 4}`,
        publicIp: publicIp(r),
      };
    },
  },
  "aws:ec2/routeTable:RouteTable": {
    computed: (r) => {
      const id = ec2Id(r, "rtb");
      return {
        id,
        arn: arn(r.env, "ec2", `route-table/${id}`),
        ownerId: r.env.accountId,
        propagatingVgws: [],
        routes: [],
      };
    },
  },
  "aws:ec2/routeTableAssociation:RouteTableAssociation": {
    computed: (r) => ({ id: ec2Id(r, "rtbassoc") }),
  },
  "aws:ec2/securityGroup:SecurityGroup": {
    autoname: { maxLength: 255 },
    // Pulumi's own default for the description (pulumi-aws resources.go), and Terraform's for the flag.
    defaults: { description: "Managed by Pulumi", revokeRulesOnDelete: false },
    computed: (r) => {
      const id = ec2Id(r, "sg");
      return { id, arn: arn(r.env, "ec2", `security-group/${id}`), egress: [], ingress: [], ownerId: r.env.accountId };
    },
  },
};
