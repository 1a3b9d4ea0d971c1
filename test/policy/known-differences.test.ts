import * as assert from "node:assert/strict";
import { compareStacks, ComparableResource } from "../../policy/compare";
import { globMatches, KnownDifference, parseKnownDifferences } from "../../policy/known-differences";

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

describe("known-differences.yaml: each problem named with its fix", () => {
  const ok = { id: "a", what: "w", why: "y", howToTestSafely: "h", env: ["X"] };
  const FIELDS = "Fix: use only `id`, `what`, `why`, `howToTestSafely`, `resources`, `properties`, `env`, `onlyIn`.";
  // [what is wrong, the entry, the problem line the file's reader sees]
  const cases: [string, unknown, string][] = [
    ["a text instead of an entry", "x", "entry 1: expected a mapping with id, what, why and howToTestSafely."],
    ["an empty entry", null, "entry 1: expected a mapping with id, what, why and howToTestSafely."],
    ["a list instead of an entry", [ok], "entry 1: expected a mapping with id, what, why and howToTestSafely."],
    ["no id", { ...ok, id: undefined }, "entry 1: `id` is required and must be a non-empty text. Fix: say a kebab-case id, e.g. `payments-sandbox`."],
    ["a blank what", { ...ok, what: "  " }, "entry 1 (`a`): `what` is required and must be a non-empty text. Fix: say what differs between staging and production."],
    ["no why", { ...ok, why: undefined }, "entry 1 (`a`): `why` is required and must be a non-empty text. Fix: say why the difference is acceptable (cost or risk)."],
    ["no howToTestSafely", { ...ok, howToTestSafely: undefined }, "entry 1 (`a`): `howToTestSafely` is required and must be a non-empty text. Fix: say how to test the production behaviour safely."],
    ["an id that is not kebab-case", { ...ok, id: "Bad_id" }, "entry 1 (`Bad_id`): `id` must be kebab-case (e.g. `payments-sandbox`)."],
    ["an id with a trailing dash", { ...ok, id: "bad-" }, "entry 1 (`bad-`): `id` must be kebab-case (e.g. `payments-sandbox`)."],
    ["an unknown field", { ...ok, colour: "red" }, `entry 1 (\`a\`): unknown field \`colour\`. ${FIELDS}`],
    ["an empty env list", { ...ok, env: [] }, "entry 1 (`a`): `env` must be a non-empty list of patterns."],
    ["env as a text", { ...ok, env: "X" }, "entry 1 (`a`): `env` must be a non-empty list of patterns."],
    ["an empty pattern", { ...ok, env: [""] }, 'entry 1 (`a`): `env` pattern "" matches every env var. Fix: name the env vars that differ (e.g. `PAYMENTS_MODE`).'],
    ["a pattern that is not a text", { ...ok, resources: [1] }, "entry 1 (`a`): `resources` must be a non-empty list of patterns."],
    ["onlyIn naming no stack", { ...ok, resources: ["r"], onlyIn: "both" }, "entry 1 (`a`): `onlyIn` must be `staging` or `production`."],
    ["an entry that declares nothing", { ...ok, env: undefined }, "entry 1 (`a`): declares nothing. Fix: list the `resources`, `properties` or `env` keys that differ."],
  ];
  for (const [title, entry, line] of cases) {
    it(`refuses ${title}`, () => {
      const doc = { differences: [JSON.parse(JSON.stringify(entry) ?? "null")] };
      assert.throws(() => parseKnownDifferences(doc, "kd.yaml"), (e: Error) => {
        assert.equal(e.message, `kd.yaml has 1 problem:\n  - ${line}`);
        return true;
      });
    });
  }

  it("counts several problems in one message, and accepts each valid onlyIn", () => {
    assert.throws(() => parseKnownDifferences({ differences: [{ ...ok, why: "" }, { ...ok, id: "b", what: "" }] }, "kd.yaml"), (e: Error) => {
      assert.deepEqual(e.message.split("\n").map((l) => l.slice(0, 32)), ["kd.yaml has 2 problems:", "  - entry 1 (`a`): `why` is requ", "  - entry 2 (`b`): `what` is req"]);
      return true;
    });
    for (const onlyIn of ["staging", "production"]) {
      assert.equal(parseKnownDifferences({ differences: [{ ...ok, resources: ["r"], onlyIn }] }, "kd.yaml")[0].onlyIn, onlyIn);
    }
  });
});
