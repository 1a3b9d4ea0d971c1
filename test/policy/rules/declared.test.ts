import * as assert from "node:assert/strict";
import { declaredInputsOf } from "../../../policy/pack/declared";
import { providerDefaultsOf, withoutProviderDefaults } from "../../../policy/engine/provider-defaults";
import { SECRET_SIG } from "../../../policy/engine/flatten";
import type { StackSnapshot } from "../../../tools/simulator/snapshot";
import { expectNoRuleViolation, expectRuleViolation, RULE_SHAPES, runRules } from "../../support/rule-harness";
import { bothSnapshots, mutateDeclared } from "../harness";

/**
 * declared-inputs and the split of a declaration from its provider defaults: the stack policies
 * compare what the program declares (Analyze's inputs), never what the provider filled in.
 */

const secret = { [SECRET_SIG]: "1b47061264138c4ac30d75fd1eb44270", value: "hunter2" };

describe("declared inputs (in process)", function () {
  this.timeout(120_000);
  let staging: StackSnapshot;

  before(async () => {
    [staging] = await bothSnapshots();
  });

  describe("withoutProviderDefaults", () => {
    it("drops the keys `__defaults` names, and the bridge's own keys, at every level", () => {
      const props = {
        __defaults: ["forceDestroy"],
        forceDestroy: false,
        bucket: "b",
        versioning: { __defaults: ["mfaDelete"], mfaDelete: false, enabled: true },
        rules: [{ __defaults: ["status"], status: "Enabled", id: "r" }, "text"],
        __meta: "{}",
      };
      assert.deepEqual(withoutProviderDefaults(props), {
        bucket: "b",
        versioning: { enabled: true },
        rules: [{ id: "r" }, "text"],
      });
    });

    it("keeps an object with no `__defaults` whole, and ignores entries of `__defaults` that are no key names", () => {
      assert.deepEqual(withoutProviderDefaults({ tags: { a: "1" }, __defaults: [3, null, "b"], b: 2, c: 3 }), {
        tags: { a: "1" },
        c: 3,
      });
    });

    it("keeps a secret as the value it is", () => {
      const out = withoutProviderDefaults({ password: secret, nested: { password: secret } });
      assert.equal(out.password, secret);
      assert.equal((out.nested as Record<string, unknown>).password, secret);
    });

    it("keeps nulls, and strips a secret-shaped object carrying the bridge's `__meta`", () => {
      assert.deepEqual(withoutProviderDefaults({ a: null, b: [null] }), { a: null, b: [null] });
      assert.deepEqual(withoutProviderDefaults({ x: { [SECRET_SIG]: "s", __meta: "{}", value: 1 } }), {
        x: { [SECRET_SIG]: "s", value: 1 },
      });
    });

    it("strips a secret-shaped object that is a property map (it has `__defaults`)", () => {
      assert.deepEqual(withoutProviderDefaults({ x: { [SECRET_SIG]: "s", __defaults: ["a"], a: 1, b: 2 } }), {
        x: { [SECRET_SIG]: "s", b: 2 },
      });
    });
  });

  describe("providerDefaultsOf", () => {
    it("picks only what `__defaults` names, at every level, with the defaults' own defaults dropped", () => {
      const props = {
        __defaults: ["forceDestroy", "acl"],
        forceDestroy: false,
        acl: { __defaults: ["grant"], grant: "x", owner: "me" },
        bucket: "b",
        versioning: { __defaults: ["mfaDelete"], mfaDelete: false, enabled: true },
        plain: { enabled: true },
        __meta: "{}",
      };
      assert.deepEqual(providerDefaultsOf(props), {
        forceDestroy: false,
        acl: { owner: "me" },
        versioning: { mfaDelete: false },
      });
    });

    it("is undefined when nothing is defaulted, and never looks into lists or secrets", () => {
      assert.equal(providerDefaultsOf({ bucket: "b", tags: { a: "1" } }), undefined);
      assert.equal(providerDefaultsOf({ rules: [{ __defaults: ["status"], status: "Enabled" }] }), undefined);
      assert.equal(providerDefaultsOf({ s: { [SECRET_SIG]: "x", __defaults: ["a"], a: 1 } }), undefined);
      assert.equal(providerDefaultsOf({ __defaults: [] }), undefined);
      assert.deepEqual(providerDefaultsOf({ __defaults: ["x"], x: 1, a: null }), { x: 1 });
    });
  });

  for (const shape of RULE_SHAPES) {
    describe(`declared-inputs (${shape.name})`, () => {
      const drifted = () => mutateDeclared(staging, "db-instance", (p) => void (p.engineVersion = "15.4"));

      it("hands the stack policies what the program declares, though the outputs say otherwise", async () => {
        await expectRuleViolation(
          shape.of(drifted()),
          "stack-parity",
          [/`engineVersion`: this stack has "15\.4", production has "16"/],
          shape.options,
        );
      });

      it("switched off, leaves the stack policies to compare outputs (here, production's value)", async () => {
        await expectNoRuleViolation(shape.of(drifted()), "stack-parity", {
          ...shape.options,
          config: { "declared-inputs": "disabled" },
        });
      });

      it("never reports, and forgets a run's declarations once AnalyzeStack is done", async () => {
        const v = await runRules(shape.of(staging), { ...shape.options, only: ["declared-inputs"] });
        assert.deepEqual(
          v.filter((x) => x.policyName === "declared-inputs"),
          [],
        );
        for (const r of staging.resources) assert.equal(declaredInputsOf(r.urn), undefined, r.urn);
      });

      it("is not carried into a later run that sends no Analyze", async () => {
        await runRules(shape.of(drifted()), { ...shape.options, only: ["stack-parity"] });
        await expectNoRuleViolation(shape.of(drifted()), "stack-parity", { ...shape.options, analyzeResources: false });
      });
    });
  }
});
