import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { previewInOwnProcess, previewInProcess, PreviewRun, toolInOwnProcess } from "../preview-cli";
import { tempFile } from "../policy/temp-file";

/**
 * The conformance suite: the offline preview and `npm run policy` drive a fixture pack
 * (test/fixtures/conformance/pack, which records every request and its environment) the way the
 * Pulumi CLI drives a pack, each behaviour held to the engine source it follows:
 * - pkg/resource/analyzer/config.go ReconcilePolicyPackConfig/applyConfig (initialConfig `all`),
 * - pkg/resource/deploy/step_generator.go (Remediate, then Analyze on the remediated inputs;
 *   AnalyzeStack diagnostics without a URN on the root stack),
 * - sdk/go/common/resource/plugin/analyzer_plugin.go (NewPolicyAnalyzer's ConfigureStack and
 *   constructEnv, marshalResourceOptions, AnalyzeStack's property dependencies),
 * - pkg/resource/deploy/analyze_snapshot.go and pkg/cmd/pulumi/policy/policy_analyze.go (the
 *   pack loaded without analyzer options: no ConfigureStack, no stack environment; remediations
 *   reported, not applied).
 */

const ROOT = path.resolve(__dirname, "..", "..");
const FIXTURES = path.join(ROOT, "test", "fixtures", "conformance");
const PROGRAM = ["--root", path.join(FIXTURES, "program"), "--stack", "dev"];
const PACK = ["--policy-pack", path.join(FIXTURES, "pack")];
const ROOT_STACK = "urn:pulumi:dev::conformance::pulumi:pulumi:Stack::conformance-dev";
const bucketUrn = (name: string) => `urn:pulumi:dev::conformance::aws:s3/bucket:Bucket::${name}`;

interface Recorded {
  method: string;
  env?: Record<string, string>;
  request?: Record<string, unknown> & { urn?: string; name?: string; options?: RecordedOptions };
  properties?: Record<string, unknown>;
}
interface RecordedOptions {
  deletebeforereplace: boolean;
  deletebeforereplacedefined: boolean;
  customtimeouts: { create: number; update: number; pb_delete: number; read: number };
}
interface Verdict {
  policyName: string;
  enforcementLevel: string;
  message: string;
  urn?: string;
  phase?: string;
  remediated?: string[];
  applied?: boolean;
}

function records(file: string): Recorded[] {
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Recorded);
}

const calls = (recs: Recorded[], method: string, urn?: string) =>
  recs.filter((r) => r.method === method && (urn === undefined || r.request?.urn === urn));
const one = (recs: Recorded[], method: string, urn?: string) => {
  const found = calls(recs, method, urn);
  assert.equal(found.length, 1, `expected one ${method}${urn ? ` for ${urn}` : ""}, got ${found.length}`);
  return found[0];
};
const mapOf = (entries: unknown) => Object.fromEntries(entries as [string, unknown][]);
const tagsOf = (props: Record<string, unknown> | undefined) => props?.["tags"] as Record<string, string> | undefined;

/** `npm run policy` in its own process, with no PULUMI_* variable of this process leaking into the pack. */
function policyInOwnProcess(args: readonly string[], record: string): Promise<PreviewRun> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("PULUMI_")));
  return toolInOwnProcess("policy", args, { ...env, CONFORMANCE_RECORD: record });
}

describe("conformance: the offline preview drives a pack as `pulumi preview` does", function () {
  this.timeout(180_000);
  let recs: Recorded[];
  let verdicts: Verdict[];
  let run: PreviewRun;
  let resources: { urn: string; propertyDependencies: Record<string, string[]> }[];

  before(async () => {
    const file = tempFile("preview.jsonl", "");
    run = await previewInOwnProcess([...PROGRAM, ...PACK, "--json"], { CONFORMANCE_RECORD: file });
    recs = records(file);
    const stack = (JSON.parse(run.stdout) as { stacks: { verdicts: Verdict[]; resources: typeof resources }[] })
      .stacks[0];
    verdicts = stack.verdicts;
    resources = stack.resources;
  });

  it("applies the pack's initialConfig `all` (applyConfig): an advisory pack's policy fails the stack as mandatory", () => {
    assert.equal(run.code, 1, run.stderr);
    const labelled = verdicts.filter((v) => v.policyName === "buckets-labelled");
    assert.deepEqual(
      labelled.map((v) => [v.enforcementLevel, v.urn]),
      [["mandatory", bucketUrn("unlabelled")]],
    );
    // Configure gets the merged levels: `all` then the pack's own entries (1 mandatory, 3 remediate, 0 advisory).
    const configured = mapOf(one(recs, "configure").request?.["policyconfigMap"]) as Record<
      string,
      { enforcementlevel: number }
    >;
    assert.deepEqual(Object.fromEntries(Object.entries(configured).map(([k, v]) => [k, v.enforcementlevel])), {
      all: 1,
      "buckets-labelled": 1,
      "tag-remediated": 3,
      "stack-note": 0,
    });
  });

  it("sends ConfigureStack once, before any Analyze, with organization, project, stack, dry run, config, secret keys and tags (NewPolicyAnalyzer)", () => {
    const stack = one(recs, "configureStack").request ?? {};
    assert.equal(stack["organization"], "organization");
    assert.equal(stack["project"], "conformance");
    assert.equal(stack["stack"], "dev");
    assert.equal(stack["dryRun"], true);
    assert.deepEqual(mapOf(stack["configMap"]), {
      "aws:region": "eu-west-1",
      "conformance:team": "platform",
      "conformance:token": "[secret]",
    });
    assert.deepEqual(stack["configSecretKeysList"], ["conformance:token"]);
    assert.deepEqual(mapOf(stack["tagsMap"]), {
      "pulumi:project": "conformance",
      "pulumi:runtime": "nodejs",
      "pulumi:description": "Drives the analyzer protocol the way the Pulumi CLI does.",
    });
    const order = recs.map((r) => r.method);
    assert.ok(order.indexOf("configureStack") < order.indexOf("analyze"), order.join(", "));
  });

  it("starts the pack with PULUMI_CONFIG and the PULUMI_NODEJS_* and PULUMI_* names of constructEnv", () => {
    const env = one(recs, "env").env ?? {};
    assert.deepEqual(JSON.parse(env["PULUMI_CONFIG"] ?? "{}"), {
      "aws:region": "eu-west-1",
      "conformance:team": "platform",
      "conformance:token": "[secret]",
    });
    for (const prefix of ["PULUMI_NODEJS_", "PULUMI_"]) {
      assert.equal(env[`${prefix}ORGANIZATION`], "organization");
      assert.equal(env[`${prefix}PROJECT`], "conformance");
      assert.equal(env[`${prefix}STACK`], "dev");
      assert.equal(env[`${prefix}DRY_RUN`], "true");
    }
  });

  it("calls Remediate before Analyze for a resource; Analyze and AnalyzeStack see the remediated inputs (step_generator.go)", () => {
    const urn = bucketUrn("labelled");
    const order = recs.filter((r) => r.request?.urn === urn).map((r) => r.method);
    assert.ok(
      order.indexOf("remediate") >= 0 && order.indexOf("remediate") < order.indexOf("analyze"),
      order.join(", "),
    );
    // Remediate gets the internal keys too (SkipInternalKeys: false); Analyze does not.
    assert.ok("__defaults" in (one(recs, "remediate", urn).properties ?? {}));
    assert.ok(!("__defaults" in (one(recs, "analyze", urn).properties ?? {})));
    assert.equal(tagsOf(one(recs, "remediate", urn).properties)?.["remediated"], undefined);
    assert.equal(tagsOf(one(recs, "analyze", urn).properties)?.["remediated"], "yes");
    assert.equal(
      verdicts.filter((v) => v.policyName === "tag-remediated" && v.phase !== "remediation").length,
      0,
      "Analyze saw the remediated inputs",
    );
    assert.match(
      verdicts.find((v) => v.policyName === "stack-note")?.message ?? "",
      /AnalyzeStack saw remediated: labelled$/,
    );
  });

  it("says what was remediated (property names, never values), applied, and not as a violation", async () => {
    const remediation = verdicts.filter((v) => v.phase === "remediation");
    assert.deepEqual(
      remediation.map((v) => [v.policyName, v.urn, v.remediated, v.applied]),
      [["tag-remediated", bucketUrn("labelled"), ["tags"], true]],
    );
    const text = await previewInProcess([...PROGRAM, ...PACK]);
    assert.match(
      text.stdout,
      /Remediated by policy[^\n]*\(1\):\n {4}\[remediated\] {2}tag-remediated {2}\(conformance@v0\.0\.1\) {2}1 resource\n.*\n {6}- aws:s3:Bucket: labelled\n {8}Remediated: `tags`\./,
    );
    assert.match(
      text.stdout,
      /dev: 6 to create; 1 mandatory, 1 advisory violations, 0 unplaced values; policy check FAILED/,
    );
  });

  it("sends the request fields as marshalResourceOptions does: name after the URN's third `::`, deleteBeforeReplace defined only when given, no `read` timeout", () => {
    const options = (name: string) => one(recs, "analyze", bucketUrn(name)).request?.options as RecordedOptions;
    assert.equal(one(recs, "analyze", bucketUrn("odd::name")).request?.name, "odd::name");
    assert.deepEqual(
      [options("labelled").deletebeforereplace, options("labelled").deletebeforereplacedefined],
      [false, true],
    );
    assert.deepEqual(
      [options("unlabelled").deletebeforereplace, options("unlabelled").deletebeforereplacedefined],
      [true, true],
    );
    assert.deepEqual(
      [options("odd::name").deletebeforereplace, options("odd::name").deletebeforereplacedefined],
      [false, false],
    );
    // resource.CustomTimeouts has create, update and delete: `read` is never sent, whatever the program says.
    assert.deepEqual(options("unlabelled").customtimeouts, { create: 120, update: 180, pb_delete: 240, read: 0 });
  });

  it("sends only the property dependencies that name a URN (AnalyzeStack: len(pd) == 0 is skipped)", () => {
    const versioning = "urn:pulumi:dev::conformance::aws:s3/bucketVersioning:BucketVersioning::labelled-versioning";
    const recorded = resources.find((r) => r.urn === versioning);
    assert.ok(
      recorded && Object.values(recorded.propertyDependencies).some((urns) => urns.length === 0),
      "the program registers properties without dependencies",
    );
    const sent = (
      one(recs, "analyzeStack").request?.["resourcesList"] as {
        urn: string;
        propertydependenciesMap: [string, { urnsList: string[] }][];
      }[]
    ).find((r) => r.urn === versioning);
    assert.deepEqual(sent?.propertydependenciesMap, [["bucket", { urnsList: [bucketUrn("labelled")] }]]);
  });

  it("reports an AnalyzeStack diagnostic without a URN on the root stack (resource.DefaultRootStackURN)", () => {
    const note = verdicts.find((v) => v.policyName === "stack-note");
    assert.equal(note?.urn, ROOT_STACK);
    assert.equal(note?.enforcementLevel, "advisory");
  });
});

describe("conformance: `npm run policy` drives a pack as `pulumi policy analyze` does", function () {
  this.timeout(120_000);
  let recs: Recorded[];
  let run: PreviewRun;
  let verdicts: Verdict[];
  const urn = (name: string) => `urn:pulumi:dev::parity::aws:s3/bucket:Bucket::${name}`;

  before(async () => {
    const file = tempFile("policy.jsonl", "");
    run = await policyInOwnProcess(["--stack-export", path.join(FIXTURES, "dev.export.json"), ...PACK, "--json"], file);
    recs = records(file);
    verdicts = (JSON.parse(run.stdout) as { stacks: { verdicts: Verdict[] }[] }).stacks[0].verdicts;
  });

  it("sends no ConfigureStack and starts the pack without the stack's environment (LoadLocalPolicyPackAnalyzers(..., nil))", () => {
    assert.equal(calls(recs, "configureStack").length, 0);
    assert.deepEqual(one(recs, "env").env, {});
    assert.equal(calls(recs, "configure").length, 1, "the pack is still configured");
  });

  it("still applies the initialConfig `all`, and exits 1 on its mandatory violation", () => {
    assert.equal(run.code, 1, run.stderr);
    assert.deepEqual(
      verdicts.filter((v) => v.policyName === "buckets-labelled").map((v) => [v.enforcementLevel, v.urn]),
      [["mandatory", urn("unlabelled")]],
    );
  });

  it("reports the remediation without applying it: Analyze sees the stored inputs (AnalyzeSnapshot)", () => {
    assert.deepEqual(
      verdicts.filter((v) => v.phase === "remediation").map((v) => [v.urn, v.remediated, v.applied]),
      [[urn("labelled"), ["tags"], false]],
    );
    assert.equal(tagsOf(one(recs, "analyze", urn("labelled")).properties)?.["remediated"], undefined);
    assert.deepEqual(
      verdicts
        .filter((v) => v.policyName === "tag-remediated" && v.phase !== "remediation")
        .map((v) => v.enforcementLevel),
      ["mandatory"],
    );
  });

  it("never sends deleteBeforeReplace from state, and sends its custom timeouts without `read`", () => {
    const options = one(recs, "analyze", urn("labelled")).request?.options as RecordedOptions;
    assert.deepEqual([options.deletebeforereplace, options.deletebeforereplacedefined], [false, false]);
    const timeouts = (one(recs, "analyze", urn("unlabelled")).request?.options as RecordedOptions).customtimeouts;
    assert.deepEqual(timeouts, { create: 120, update: 180, pb_delete: 240, read: 0 });
  });

  it("reports a stack diagnostic without a URN on the first resource, the root stack (pkg/engine/check.go runStackAnalysis)", () => {
    assert.equal(
      verdicts.find((v) => v.policyName === "stack-note")?.urn,
      "urn:pulumi:dev::parity::pulumi:pulumi:Stack::parity-dev",
    );
  });
});
