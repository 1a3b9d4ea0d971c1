import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { APP_PORT } from "./app-environment";

/** Two AZs in every stack: the subnet layout (and so the resource set) never depends on sizing. */
export const AZ_COUNT = 2;

export interface NetworkArgs {
  /**
   * The VPC's IPv4 range, /16 to /20; split into four equal subnets (public and private in each AZ).
   * Caution: changing it replaces the VPC and everything inside it, the database included.
   */
  readonly cidr: string;
  /**
   * NAT gateways: 1 (shared by both private subnets, cheaper) or 2 (one per AZ, survives an AZ outage).
   * Sizing only: both private route tables exist either way.
   * @default 2
   */
  readonly natGateways?: number;
}

/**
 * The four subnet ranges of `cidr`: [public-a, public-b, private-a, private-b], each a quarter of it.
 * Pure so tests can check the arithmetic.
 */
export function subnetCidrs(cidr: string): string[] {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!match) throw new Error(`\`cidr\` ${JSON.stringify(cidr)} is not an IPv4 CIDR block like 10.30.0.0/16`);
  const prefix = Number(match[5]);
  if (prefix < 16 || prefix > 20) throw new Error(`\`cidr\` ${cidr} must be /16 to /20 so four subnets fit`);
  const base = match.slice(1, 5).reduce((acc, octet) => acc * 256 + Number(octet), 0);
  const size = 2 ** (32 - prefix);
  const network = base - (base % size);
  const quarter = size / 4;
  return [0, 1, 2, 3].map((i) => {
    const start = network + i * quarter;
    const octets = [24, 16, 8, 0].map((shift) => Math.floor(start / 2 ** shift) % 256);
    return `${octets.join(".")}/${prefix + 2}`;
  });
}

/**
 * VPC over two AZs: public subnets hold only the load balancer and NAT; services and the database
 * live in private subnets. Also owns the two security groups every other component hangs off: `edge`
 * (the load balancer, open to the internet on 80/443) and `app` (web, worker and migration tasks,
 * reachable only from `edge` on the app port), so the database can admit exactly `app`.
 */
export class Network extends pulumi.ComponentResource {
  public readonly vpc: aws.ec2.Vpc;
  public readonly vpcId: pulumi.Output<string>;
  public readonly publicSubnetIds: pulumi.Output<string>[];
  public readonly privateSubnetIds: pulumi.Output<string>[];
  public readonly natGateways: aws.ec2.NatGateway[];
  public readonly edgeSecurityGroup: aws.ec2.SecurityGroup;
  public readonly appSecurityGroup: aws.ec2.SecurityGroup;

  constructor(name: string, args: NetworkArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("parity:components:Network", name, {}, opts);
    const parent = this;
    const natCount = args.natGateways ?? 2;
    if (!Number.isInteger(natCount) || natCount < 1 || natCount > AZ_COUNT) {
      throw new Error(`Network ${name}: \`natGateways\` must be 1 or ${AZ_COUNT}, got ${natCount}`);
    }
    const [publicA, publicB, privateA, privateB] = subnetCidrs(args.cidr);

    const vpc = new aws.ec2.Vpc(
      `${name}-vpc`,
      { cidrBlock: args.cidr, enableDnsHostnames: true, enableDnsSupport: true },
      { parent },
    );
    const zones = aws.getAvailabilityZonesOutput({ state: "available" }, { parent });
    const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id }, { parent });
    const publicSubnets = createPublicSubnets();
    const natGateways = createNatGateways(publicSubnets);
    const privateSubnets = createPrivateSubnets(natGateways);
    const edgeSecurityGroup = createEdgeSecurityGroup();
    const appSecurityGroup = createAppSecurityGroup(edgeSecurityGroup);

    this.vpc = vpc;
    this.vpcId = vpc.id;
    this.natGateways = natGateways;
    this.publicSubnetIds = publicSubnets.map((s) => s.id);
    this.privateSubnetIds = privateSubnets.map((s) => s.id);
    this.edgeSecurityGroup = edgeSecurityGroup;
    this.appSecurityGroup = appSecurityGroup;
    this.registerOutputs({
      vpcId: this.vpcId,
      publicSubnetIds: this.publicSubnetIds,
      privateSubnetIds: this.privateSubnetIds,
      edgeSecurityGroupId: edgeSecurityGroup.id,
      appSecurityGroupId: appSecurityGroup.id,
    });

    function createPublicSubnets(): aws.ec2.Subnet[] {
      const publicRoutes = new aws.ec2.RouteTable(
        `${name}-public-routes`,
        { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }] },
        { parent },
      );
      return [publicA, publicB].map((cidrBlock, az) => {
        const subnet = new aws.ec2.Subnet(
          `${name}-public-${az}`,
          // No public IPs on launch: only the load balancer and NAT (with their own addresses) live here.
          {
            vpcId: vpc.id,
            cidrBlock,
            availabilityZone: zones.names[az],
            mapPublicIpOnLaunch: false,
            tags: { "parity:tier": "public" },
          },
          { parent },
        );
        new aws.ec2.RouteTableAssociation(
          `${name}-public-${az}-routes`,
          { subnetId: subnet.id, routeTableId: publicRoutes.id },
          { parent },
        );
        return subnet;
      });
    }

    function createNatGateways(publicSubnets: aws.ec2.Subnet[]): aws.ec2.NatGateway[] {
      return publicSubnets.slice(0, natCount).map((subnet, az) => {
        const eip = new aws.ec2.Eip(`${name}-nat-${az}-ip`, { domain: "vpc" }, { parent });
        return new aws.ec2.NatGateway(
          `${name}-nat-${az}`,
          { subnetId: subnet.id, allocationId: eip.id },
          { parent, dependsOn: [igw] },
        );
      });
    }

    function createPrivateSubnets(natGateways: aws.ec2.NatGateway[]): aws.ec2.Subnet[] {
      return [privateA, privateB].map((cidrBlock, az) => {
        const subnet = new aws.ec2.Subnet(
          `${name}-private-${az}`,
          {
            vpcId: vpc.id,
            cidrBlock,
            availabilityZone: zones.names[az],
            mapPublicIpOnLaunch: false,
            tags: { "parity:tier": "private" },
          },
          { parent },
        );
        // With one NAT both AZs share it; with two each AZ egresses through its own.
        const nat = natGateways[Math.min(az, natCount - 1)];
        const routes = new aws.ec2.RouteTable(
          `${name}-private-${az}-routes`,
          { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }] },
          { parent },
        );
        new aws.ec2.RouteTableAssociation(
          `${name}-private-${az}-routes`,
          { subnetId: subnet.id, routeTableId: routes.id },
          { parent },
        );
        return subnet;
      });
    }

    function createEdgeSecurityGroup(): aws.ec2.SecurityGroup {
      return new aws.ec2.SecurityGroup(
        `${name}-edge-sg`,
        {
          vpcId: vpc.id,
          description: "Load balancer: HTTPS, and HTTP only to redirect it",
          ingress: [
            {
              protocol: "tcp",
              fromPort: 443,
              toPort: 443,
              cidrBlocks: ["0.0.0.0/0"],
              ipv6CidrBlocks: ["::/0"],
              description: "HTTPS",
            },
            {
              protocol: "tcp",
              fromPort: 80,
              toPort: 80,
              cidrBlocks: ["0.0.0.0/0"],
              ipv6CidrBlocks: ["::/0"],
              description: "HTTP, redirected to HTTPS",
            },
          ],
          egress: [
            {
              protocol: "tcp",
              fromPort: APP_PORT,
              toPort: APP_PORT,
              cidrBlocks: [args.cidr],
              description: "To app tasks",
            },
          ],
        },
        { parent },
      );
    }

    function createAppSecurityGroup(edgeSecurityGroup: aws.ec2.SecurityGroup): aws.ec2.SecurityGroup {
      return new aws.ec2.SecurityGroup(
        `${name}-app-sg`,
        {
          vpcId: vpc.id,
          description: "App tasks (web, worker, migrations): reachable only from the load balancer",
          ingress: [
            {
              protocol: "tcp",
              fromPort: APP_PORT,
              toPort: APP_PORT,
              securityGroups: [edgeSecurityGroup.id],
              description: "From the load balancer",
            },
          ],
          // Tasks call AWS APIs, the payment provider and SES over HTTPS through NAT, and the database.
          egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], description: "Outbound" }],
        },
        { parent },
      );
    }
  }
}
