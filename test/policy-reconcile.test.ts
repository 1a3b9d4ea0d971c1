import * as assert from "node:assert/strict";
import {
  parsePolicyConfig,
  PolicyConfigError,
  readPolicyConfigFile,
  resolvePolicyConfig,
} from "../tools/simulator/policy-config";
import { reconcilePolicyConfig } from "../tools/simulator/policy-reconcile";
import type { AnalyzerInfo } from "../tools/simulator/policy-types";
import { tempFile } from "./policy/temp-file";

/**
 * The offline preview reconciles policy config exactly as the CLI does before Configure:
 * pkg/resource/analyzer/config.go ReconcilePolicyPackConfig (createConfigWithDefaults, applyConfig
 * for the pack's initialConfig and then the user's file, validatePolicyPackConfig), called from
 * pkg/engine/update.go installAndLoadPolicyPlugins; initialConfig as analyzer.GetAnalyzerInfo reads
 * it (sdk/go/common/resource/plugin/analyzer_plugin.go convertPolicyConfig).
 */

function pack(initialConfig: AnalyzerInfo["initialConfig"] = {}): AnalyzerInfo {
  return {
    name: "guard",
    version: "1.0.0",
    supportsConfig: true,
    policies: [
      { name: "logging", description: "L", enforcementLevel: "advisory", type: "resource" },
      {
        name: "budget",
        description: "B",
        enforcementLevel: "advisory",
        type: "stack",
        configSchema: {
          properties: {
            max: { type: "integer", minimum: 0, default: 5 },
            nested: { type: "object", properties: { x: { type: "integer", default: 1 } } },
          },
          required: [],
        },
      },
      {
        name: "owner",
        description: "O",
        enforcementLevel: "mandatory",
        type: "resource",
        configSchema: { properties: { team: { type: "string" } }, required: ["team"] },
      },
    ],
    initialConfig,
  };
}

describe("policy config: reconciled as ReconcilePolicyPackConfig does", () => {
  it('an initialConfig `all` makes every policy mandatory (new AwsGuard({ all: "mandatory" }))', () => {
    const r = reconcilePolicyConfig(
      pack({
        all: { enforcementLevel: "mandatory", properties: {} },
        owner: { enforcementLevel: "mandatory", properties: { team: "x" } },
      }),
    );
    assert.deepEqual(r.levels, { logging: "mandatory", budget: "mandatory", owner: "mandatory" });
    assert.deepEqual(r.problems, []);
    // applyConfig writes the `all` key itself into the result, so Configure sends it too.
    assert.deepEqual(r.config["all"], { enforcementLevel: "mandatory", properties: {} });
  });

  it("the user's file is applied after initialConfig: its `all` overrides, then its named entries", () => {
    const initial = {
      all: { enforcementLevel: "mandatory" as const, properties: {} },
      owner: { enforcementLevel: "mandatory" as const, properties: { team: "platform" } },
    };
    const r = reconcilePolicyConfig(pack(initial), {
      all: { enforcementLevel: "advisory" },
      budget: { enforcementLevel: "disabled", properties: { max: 2 } },
    });
    assert.deepEqual(r.levels, { logging: "advisory", budget: "disabled", owner: "advisory" });
    assert.deepEqual(r.config["budget"].properties, { max: 2 });
    // Properties merge key by key: the initial `team` survives a user entry that sets only a level.
    assert.deepEqual(r.config["owner"].properties, { team: "platform" });
  });

  it("fills only top-level schema defaults (createConfigWithDefaults), never nested ones", () => {
    const r = reconcilePolicyConfig(pack({ owner: { enforcementLevel: "mandatory", properties: { team: "t" } } }));
    // `max` has a top-level default; `nested.x` has one only inside `nested`, which is not filled.
    assert.deepEqual(r.config["budget"].properties, { max: 5 });
  });

  it("an initialConfig entry with properties only downgrades its policy to advisory, as the engine reads level 0", () => {
    // GetAnalyzerInfo's convertPolicyConfig turns the wire's 0 into `advisory`, and applyConfig applies it.
    const r = reconcilePolicyConfig(pack({ owner: { enforcementLevel: "advisory", properties: { team: "t" } } }));
    assert.equal(r.levels["owner"], "advisory");
  });

  it("validates the merged properties against each schema (with the injected enforcementLevel), extra keys allowed", () => {
    const r = reconcilePolicyConfig(pack(), { budget: { properties: { max: -1, extra: true } } });
    assert.equal(r.problems.length, 2, r.problems.join("\n"));
    assert.match(r.problems.join("\n"), /`owner` must have required property 'team'/);
    assert.match(r.problems.join("\n"), /`budget` \/max must be >= 0/);
  });

  it("refuses an entry with no valid level, as analyzer.Configure does", () => {
    const r = reconcilePolicyConfig({ ...pack(), policies: [] }, { all: { properties: { x: 1 } } });
    assert.match(r.problems.join("\n"), /`all` has no enforcement level/);
  });
});

describe("policy config: the user's file, read as parsePolicyPackConfig does", () => {
  it("reads levels, objects with enforcementLevel, and drops empty entries", () => {
    const { layer, problems } = parsePolicyConfig(pack(), { all: "mandatory", budget: { max: 3 }, logging: {} });
    assert.deepEqual(problems, []);
    assert.deepEqual(layer, { all: { enforcementLevel: "mandatory" }, budget: { properties: { max: 3 } } });
  });

  it("names every bad entry: a bad level, a non-object, a policy the pack does not have", () => {
    const { problems } = parsePolicyConfig(pack(), {
      logging: "strict",
      budget: 3 as unknown as string,
      nope: "advisory",
    });
    assert.equal(problems.length, 3);
    assert.match(problems.join("\n"), /`logging` has enforcement level "strict"/);
    assert.match(problems.join("\n"), /`budget` must be an enforcement level or an object/);
    assert.match(problems.join("\n"), /`nope` is not a policy in pack guard \(policies: logging, budget, owner\)/);
  });

  it("an empty file is no config (LoadPolicyPackConfigFromFile), and resolve lists every problem", () => {
    assert.deepEqual(readPolicyConfigFile(tempFile("empty.json", "  \n")), {});
    assert.throws(
      () => resolvePolicyConfig(pack(), { logging: "strict" }, "cfg.json"),
      (e: unknown) =>
        e instanceof PolicyConfigError &&
        /Invalid cfg\.json for policy pack guard:\n {2}- `logging` has enforcement level "strict".*\n {2}- `owner` must have required property 'team'/s.test(
          e.message,
        ),
    );
  });

  it("levels: each policy's level after the pack's `all` and the user's file (what the verdict line's downgrades read)", () => {
    const info = pack({
      all: { enforcementLevel: "mandatory", properties: {} },
      owner: { enforcementLevel: "mandatory", properties: { team: "t" } },
    });
    assert.deepEqual(reconcilePolicyConfig(info, parsePolicyConfig(info, { logging: "advisory" }).layer).levels, {
      logging: "advisory",
      budget: "mandatory",
      owner: "mandatory",
    });
    assert.throws(() => resolvePolicyConfig(info, { logging: "loud" }), PolicyConfigError);
  });
});
