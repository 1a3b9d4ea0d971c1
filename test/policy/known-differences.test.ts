import * as assert from "node:assert/strict";
import { compareStacks, ComparableResource } from "../../policy/compare";
import { globMatches, KnownDifference } from "../../policy/known-differences";

/**
 * A declaration covers exactly what it says and nothing more: a value that may differ is not a key
 * that may be missing, and a resource glob matches whole names only.
 */

const entry = (fields: Partial<KnownDifference>): KnownDifference => ({ id: "entry", what: "w", why: "y", howToTestSafely: "h", ...fields });

function task(stack: string, env: Record<string, string>): ComparableResource {
  return {
    urn: `urn:pulumi:${stack}::parity::aws:ecs/taskDefinition:TaskDefinition::web-task`,
    type: "aws:ecs/taskDefinition:TaskDefinition",
    inputs: { containerDefinitions: JSON.stringify([{ name: "app", environment: Object.entries(env).map(([name, value]) => ({ name, value })) }]) },
  };
}

const nat = (name: string): ComparableResource => ({ urn: `urn:pulumi:production::parity::aws:ec2/natGateway:NatGateway::${name}`, type: "aws:ec2/natGateway:NatGateway", inputs: { connectivityType: "public" } });

describe("known differences cover only what they declare", () => {
  it("an env entry without `onlyIn` lets PAYMENTS_MODE's value differ, but not staging drop the key", () => {
    const known = [entry({ id: "payments-sandbox", env: ["PAYMENTS_MODE"] })];
    const production = [task("production", { PAYMENTS_MODE: "live", TZ: "UTC" })];
    const valueDiffers = compareStacks([task("staging", { PAYMENTS_MODE: "test", TZ: "UTC" })], production, known);
    assert.deepEqual(valueDiffers.env.map((e) => [e.key, e.class, e.declaredBy]), [["PAYMENTS_MODE", "declared", "payments-sandbox"], ["TZ", "match", undefined]]);
    const dropped = compareStacks([task("staging", { TZ: "UTC" })], production, known);
    assert.deepEqual(dropped.env.map((e) => [e.key, e.class, e.declaredBy]), [["PAYMENTS_MODE", "divergent", undefined], ["TZ", "match", undefined]]);
  });

  it("a resource glob matches whole names: `network-nat-1` does not cover `network-nat-10`", () => {
    const known = [entry({ id: "single-nat-gateway", resources: ["network-nat-1"], onlyIn: "production" })];
    const cmp = compareStacks([], [nat("network-nat-1"), nat("network-nat-10")], known);
    assert.deepEqual(cmp.presence.map((p) => [p.resourceKey.split("::").pop(), p.class]), [["network-nat-1", "declared"], ["network-nat-10", "divergent"]]);
    assert.equal(globMatches("nat-1", "network-nat-1"), false, "a glob is anchored at the start too");
    assert.equal(globMatches("network-*", "network-nat-10"), true);
  });
});
