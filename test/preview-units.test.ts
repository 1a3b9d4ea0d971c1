import * as assert from "node:assert/strict";
import { durationSeconds } from "../tools/simulator/analyzer-requests";
import { AnalyzerInfo, PolicyConfigError, resolvePolicyConfig } from "../tools/simulator/policy-config";
import { Progress } from "../tools/simulator/progress";
import { COLOUR, displayType, PLAIN, styleFor, treeRows } from "../tools/simulator/render";
import type { CollectedResource } from "../tools/simulator/snapshot";
import { collectedResource } from "./support/collected-resource";
import { exitCode, parseCli, StackResult, UsageError } from "../tools/preview";

function resource(name: string, parent?: string): CollectedResource {
  // A bare `urn:<name>` has no `::`, so the name is given rather than read from it.
  return collectedResource(`urn:${name}`, "t:m:T", { name, ...(parent ? { parent: `urn:${parent}` } : {}) });
}

const info: AnalyzerInfo = {
  name: "pack",
  version: "1.0.0",
  policies: [
    { name: "a", description: "A", enforcementLevel: "mandatory", type: "resource" },
    {
      name: "b",
      description: "B",
      enforcementLevel: "advisory",
      type: "stack",
      configSchema: { properties: { max: { type: "integer", default: 3 } }, required: [] },
    },
  ],
  initialConfig: {},
};

describe("preview: rendering", () => {
  it("shortens type tokens the way the CLI displays them", () => {
    assert.equal(displayType("aws:ec2/vpc:Vpc"), "aws:ec2:Vpc");
    assert.equal(displayType("pulumi:providers:aws"), "pulumi:providers:aws");
    assert.equal(displayType("parity:components:Database"), "parity:components:Database");
  });

  it("draws children under parents in registration order with tree guides", () => {
    const rows = treeRows([
      resource("stack"),
      resource("a", "stack"),
      resource("a1", "a"),
      resource("b", "stack"),
      resource("a2", "a"),
    ]);
    assert.deepEqual(
      rows.map((r) => `${r.prefix}${r.resource.name}`),
      ["stack", "├─ a", "│  ├─ a1", "│  └─ a2", "└─ b"],
    );
  });

  it("colours only a terminal without NO_COLOR", () => {
    assert.equal(styleFor({ isTTY: true }, {}), COLOUR);
    assert.equal(styleFor({ isTTY: true }, { NO_COLOR: "1" }), PLAIN);
    assert.equal(styleFor({ isTTY: false }, {}), PLAIN);
  });
});

describe("preview: progress on stderr", () => {
  function fakeStream(isTTY: boolean, columns?: number): { stream: NodeJS.WriteStream; written: string[] } {
    const written: string[] = [];
    const stream = { isTTY, columns, write: (s: string) => written.push(s) > 0 } as unknown as NodeJS.WriteStream;
    return { stream, written };
  }

  it("writes one line per change when not a terminal", () => {
    const { stream, written } = fakeStream(false);
    const progress = new Progress(stream);
    progress.set("staging", "running the program");
    progress.set("staging", "running the program");
    progress.set("staging", "122 resources");
    progress.done("staging");
    assert.deepEqual(written, ["staging: running the program\n", "staging: 122 resources\n"]);
  });

  it("redraws one line on a terminal, even one that reports no width, and clears it when done", () => {
    const { stream, written } = fakeStream(true, 0);
    const progress = new Progress(stream);
    progress.set("policy pack", "starting");
    progress.set("staging", "running the program");
    progress.done("policy pack");
    progress.done("staging");
    assert.ok(written[1].startsWith("\r\u001b[K"), JSON.stringify(written[1]));
    assert.match(written[1].slice(4), /^. policy pack: starting {2}· {2}staging: running the program$/);
    assert.equal(written.at(-1), "\r\u001b[K");
  });

  it("stays silent when quiet", () => {
    const { stream, written } = fakeStream(true, 80);
    const progress = new Progress(stream, true);
    progress.set("staging", "running the program");
    progress.stop();
    assert.deepEqual(written, []);
  });
});

describe("preview: policy config resolution", () => {
  it("keeps each policy's own level and the schema defaults when no file is given", () => {
    assert.deepEqual(resolvePolicyConfig(info), {
      a: { enforcementLevel: "mandatory", properties: {} },
      b: { enforcementLevel: "advisory", properties: { max: 3 } },
    });
  });

  it("layers `all`, then per-policy levels and properties (and keeps the `all` entry, as applyConfig does)", () => {
    const resolved = resolvePolicyConfig(info, { all: "disabled", b: { enforcementLevel: "mandatory", max: 7 } });
    assert.deepEqual(resolved, {
      a: { enforcementLevel: "disabled", properties: {} },
      b: { enforcementLevel: "mandatory", properties: { max: 7 } },
      all: { enforcementLevel: "disabled", properties: {} },
    });
  });

  it("rejects unknown policies, bad levels and schema violations together", () => {
    assert.throws(
      () => resolvePolicyConfig(info, { nope: "mandatory", a: "strict", b: { max: "x" } }, "policy.json"),
      (e: unknown) => {
        assert.ok(e instanceof PolicyConfigError);
        assert.match(e.message, /Invalid policy\.json for policy pack pack:/);
        assert.match(e.message, /`nope` is not a policy in pack pack \(policies: a, b\)/);
        assert.match(
          e.message,
          /`a` has enforcement level "strict"; use one of advisory, mandatory, remediate, disabled/,
        );
        assert.match(e.message, /`b` \/max must be integer/);
        return true;
      },
    );
  });

  it("converts custom timeouts to the seconds the analyzer protocol carries", () => {
    assert.equal(durationSeconds("5m"), 300);
    assert.equal(durationSeconds("1h30m"), 5400);
    assert.equal(durationSeconds("90s"), 90);
    assert.equal(durationSeconds(undefined), 0);
  });
});

describe("preview: command line", () => {
  it("discovers every stack file for --all and refuses contradictory flags", () => {
    assert.deepEqual(parseCli(["--all"]).stacks, ["production", "staging"]);
    assert.throws(() => parseCli(["--all", "--stack", "staging"]), UsageError);
    assert.throws(() => parseCli([]), /Name a stack with --stack, or pass --all/);
    assert.throws(() => parseCli(["--all", "--stack-file", "x.yaml"]), /use it with a single --stack/);
    assert.throws(() => parseCli(["--stack", "staging", "--colour"]), /Unknown option '--colour'/);
  });

  it("exits 2 for any error, else 1 for a mandatory violation, else 0", () => {
    const verdict = (level: string) => ({
      policyPackName: "p",
      policyName: "x",
      enforcementLevel: level,
      message: "m",
      description: "d",
    });
    const clean: StackResult = { stack: "a", verdicts: [verdict("advisory")] };
    const failing: StackResult = { stack: "b", verdicts: [verdict("mandatory")] };
    const broken: StackResult = { stack: "c", error: { kind: "program", message: "boom" } };
    assert.equal(exitCode([clean]), 0);
    assert.equal(exitCode([clean, failing]), 1);
    assert.equal(exitCode([failing, broken]), 2);
  });
});
