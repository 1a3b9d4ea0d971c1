import * as assert from "node:assert/strict";
import { Network, subnetCidrs } from "../../components/network";
import { named, ofType, parentType, promiseOf, renderBothStacks, renderStack } from "../mocks";

describe("components/network", () => {
  const stacks = renderBothStacks(
    (s) => new Network("network", { cidr: s.network.cidr, natGateways: s.network.natGateways }),
  );

  it("splits the VPC range into four equal subnets", () => {
    assert.deepEqual(subnetCidrs("10.30.0.0/16"), [
      "10.30.0.0/18",
      "10.30.64.0/18",
      "10.30.128.0/18",
      "10.30.192.0/18",
    ]);
    assert.deepEqual(subnetCidrs("10.20.16.0/20"), [
      "10.20.16.0/22",
      "10.20.20.0/22",
      "10.20.24.0/22",
      "10.20.28.0/22",
    ]);
    assert.throws(() => subnetCidrs("10.0.0.0/24"), /\/16 to \/20/);
  });

  it("puts public and private subnets in two different AZs, parented to the component", () => {
    for (const { resources } of [stacks.staging, stacks.production]) {
      const subnets = ofType(resources, "aws:ec2/subnet:Subnet");
      assert.deepEqual(subnets.map((s) => s.name).sort(), [
        "network-private-0",
        "network-private-1",
        "network-public-0",
        "network-public-1",
      ]);
      assert.notEqual(
        named(resources, "network-private-0").inputs.availabilityZone,
        named(resources, "network-private-1").inputs.availabilityZone,
      );
      assert.ok(subnets.every((s) => s.inputs.mapPublicIpOnLaunch === false));
      assert.ok(resources.filter((r) => r.custom).every((r) => parentType(r) === "parity:components:Network"));
    }
  });

  it("sizes NAT by config but always routes both private subnets to the internet", () => {
    assert.equal(ofType(stacks.staging.resources, "aws:ec2/natGateway:NatGateway").length, 1);
    assert.equal(ofType(stacks.production.resources, "aws:ec2/natGateway:NatGateway").length, 2);
    for (const { resources } of [stacks.staging, stacks.production]) {
      for (const az of [0, 1]) {
        const routes = named(resources, `network-private-${az}-routes`).inputs.routes as { natGatewayId?: string }[];
        assert.ok(routes[0].natGatewayId?.startsWith("nat-"), `private-${az} has no NAT route`);
      }
    }
    // One NAT: both private route tables share it.
    const shared = [0, 1].map(
      (az) =>
        (named(stacks.staging.resources, `network-private-${az}-routes`).inputs.routes as { natGatewayId: string }[])[0]
          .natGatewayId,
    );
    assert.equal(shared[0], shared[1]);
  });

  it("admits the app security group only from the edge group, on the app port", async () => {
    const app = named(stacks.production.resources, "network-app-sg");
    const edgeId = await promiseOf(stacks.production.built.edgeSecurityGroup.id);
    const ingress = app.inputs.ingress as { securityGroups: string[]; fromPort: number; cidrBlocks?: string[] }[];
    assert.equal(ingress.length, 1);
    assert.match(edgeId, /^sg-/);
    assert.deepEqual(ingress[0].securityGroups, [edgeId]);
    assert.equal(ingress[0].fromPort, 8080);
    assert.equal(ingress[0].cidrBlocks, undefined);
  });

  it("refuses a NAT count the layout cannot use", async () => {
    await assert.rejects(
      renderStack("staging", (s) => new Network("bad", { cidr: s.network.cidr, natGateways: 3 })),
      /`natGateways` must be 1 or 2, got 3/,
    );
  });
});
