import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { componentOf, type ComparableResource } from "../../policy/engine/compare";
import { escapeRegExp as escape } from "../../policy/engine/normalize";
import { SECRET_SIG, SECRET_VALUE } from "../../tools/simulator/snapshot";
import { fromStackExport } from "../../tools/simulator/stack-export";
import { SecretMasker } from "../../tools/parity/secrets";
import { readStackExport as readForParity } from "../../tools/parity/stack-export";
import { EXIT, exitCode, runPolicy, toText, type ExportResult } from "../../tools/policy";
import { pack } from "../policy/harness";
import { asVersion1, asVersion2, asVersion4, DEPLOYED, type Export, readExport, tempFile } from "./export-versions";

/**
 * Real-shaped `pulumi stack export` files through `npm run policy` and `npm run parity`, each
 * behaving as the Pulumi CLI does with the same file, or refused with a clear message and exit 2.
 * Each case cites the engine source it follows (pulumi/pulumi). Cases that could hang run the real
 * entry point in a child process with a deadline: a loop in the reader would block this process's
 * event loop, and mocha's own timeout with it.
 */

const ROOT = path.resolve(__dirname, "..", "..");
const FIXTURES = path.join(ROOT, "test/fixtures/exports");
const SECRETS = JSON.parse(fs.readFileSync(path.join(FIXTURES, "secrets.json"), "utf8")) as {
  values: Record<"shared" | "staging" | "production", string>;
  b64: Record<string, string>;
  passphrase: { passphrase: string; salt: string; ciphertexts: Record<string, string> };
};
const KNOWN = path.join(ROOT, "known-differences.yaml");
/** Longer than any run here takes; a hang fails at it instead of stalling the suite. */
const DEADLINE_MS = 120_000;
/** No environment passphrase unless a case sets one. */
const BASE_ENV = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !k.startsWith("PULUMI_CONFIG_PASSPHRASE")),
);

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The real entry point, as `npm run policy`/`npm run parity` start it, under DEADLINE_MS. */
function cli(tool: "policy" | "parity", args: readonly string[], env: NodeJS.ProcessEnv = {}): Run {
  const entry =
    tool === "policy"
      ? ["-r", "./tools/simulator/ts-cache.js", "tools/policy.ts"]
      : ["-r", "ts-node/register/transpile-only", "tools/parity-report.ts"];
  const run = spawnSync(process.execPath, [...entry, ...args], {
    cwd: ROOT,
    env: { ...BASE_ENV, ...env },
    encoding: "utf8",
    timeout: DEADLINE_MS,
    killSignal: "SIGKILL",
  });
  assert.ok(!run.error, `${tool} ${args.join(" ")} did not finish within ${DEADLINE_MS} ms (${String(run.error)})`);
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function parity(staging: string, production: string, env?: NodeJS.ProcessEnv, format = "json"): Run {
  return cli(
    "parity",
    ["--staging", staging, "--production", production, "--known-differences", KNOWN, "--format", format],
    env,
  );
}

/** `npm run policy -- --json` on several exports at once: one result per file. */
function policyJson(
  files: readonly string[],
  env?: NodeJS.ProcessEnv,
): {
  run: Run;
  stacks: {
    file: string;
    stack?: string;
    ok: boolean;
    empty?: boolean;
    message?: string;
    notes?: string[];
    error?: { kind: string; message: string };
    verdicts: { enforcementLevel: string; message: string }[];
  }[];
} {
  const run = cli("policy", [...files.flatMap((f) => ["--stack-export", f]), "--json"], env);
  return { run, stacks: (JSON.parse(run.stdout) as { stacks: ReturnType<typeof policyJson>["stacks"] }).stacks };
}

function byFile(stacks: ReturnType<typeof policyJson>["stacks"], file: string) {
  const found = stacks.find((s) => s.file === file);
  assert.ok(found, `no result for ${file}`);
  return found;
}

/** Neither a stack trace nor any run of a secret's characters. */
function assertNoLeak(text: string, ...secrets: string[]): void {
  assert.doesNotMatch(text, /^\s+at .+:\d+:\d+\)?$/m, "a stack trace was printed");
  for (const s of secrets) {
    assert.ok(!text.includes(s.slice(0, 8)) && !text.includes(s.slice(-8)), `part of a secret was printed: ${text}`);
  }
}

function withResource(doc: Export, suffix: string, change: (r: Record<string, unknown>) => void): Export {
  const copy = structuredClone(doc);
  const r = copy.deployment.resources.find((x) => String(x["urn"]).endsWith(suffix));
  assert.ok(r, `no resource ending ${suffix}`);
  change(r);
  return copy;
}

const PAYMENTS_KEY = "::integrations-payments-key-value";

/** The payments key's stored secret, in the inputs and outputs, replaced by `secret`. */
function withPaymentsKey(doc: Export, secret: Record<string, unknown>, provider: unknown): Export {
  const copy = withResource(doc, PAYMENTS_KEY, (r) => {
    for (const props of [r["inputs"], r["outputs"]] as Record<string, unknown>[])
      props["secretString"] = { [SECRET_SIG]: SECRET_VALUE, ...secret };
  });
  copy.deployment.secrets_providers = provider;
  return copy;
}

const b64Provider = { type: "b64", state: {} };
const passphraseProvider = { type: "passphrase", state: { salt: SECRETS.passphrase.salt } };
const PASSPHRASE_ENV = { PULUMI_CONFIG_PASSPHRASE: SECRETS.passphrase.passphrase };

describe("stack exports as the Pulumi CLI reads them (npm run policy, npm run parity)", function () {
  this.timeout(4 * DEADLINE_MS);
  const staging = readExport(DEPLOYED.staging);
  const production = readExport(DEPLOYED.production);
  const policyOf = (file: string) =>
    runPolicy({ exports: [file], json: false, packDir: path.join(ROOT, "policy"), providersInStack: true }, pack);
  const messages = (r: ExportResult) =>
    (r.verdicts ?? []).map((v) => `${v.enforcementLevel} ${v.policyName} ${v.urn ?? ""} ${v.message}`).sort();

  describe("deployment versions 1-4 (sdk/pkg/resource/stack/deployment.go UnmarshalUntypedDeployment, apitype/migrate)", () => {
    it("reads version 4 like version 3: the same verdicts, the same report (versions 3 and 4 share DeploymentV3)", async () => {
      const v4 = {
        staging: tempFile("staging.v4.json", asVersion4(staging)),
        production: tempFile("production.v4.json", asVersion4(production)),
      };
      assert.deepEqual(readExport(v4.staging).features, ["refreshBeforeUpdate", "taint"]);
      const [[v3Result], [v4Result]] = await Promise.all([policyOf(DEPLOYED.staging), policyOf(v4.staging)]);
      assert.equal(v4Result.error, undefined);
      assert.deepEqual(messages(v4Result), messages(v3Result));
      assert.equal(exitCode([v4Result]), EXIT.clean);
      const [report3, report4] = [parity(DEPLOYED.staging, DEPLOYED.production), parity(v4.staging, v4.production)];
      assert.equal(report4.status, 0, report4.stderr);
      assert.deepEqual(JSON.parse(report4.stdout).totals, JSON.parse(report3.stdout).totals);
    });

    it("migrates version 2 as UpToDeploymentV3 does: every input depends on every dependency, fields v2 lacks are unset", async () => {
      const v2 = asVersion2(staging);
      const read = fromStackExport(structuredClone(v2));
      const withDeps = read.resources.find((r) => r.dependencies.length > 0 && Object.keys(r.inputs).length > 1);
      assert.ok(withDeps);
      assert.deepEqual(
        withDeps.propertyDependencies,
        Object.fromEntries(Object.keys(withDeps.inputs).map((k) => [k, withDeps.dependencies])),
        "migrate.UpToResourceV3",
      );
      assert.ok(
        read.resources.every((r) => r.options.ignoreChanges.length === 0 && r.options.aliases.length === 0),
        "ResourceV2 has no ignoreChanges or aliases",
      );
      assert.ok(
        read.resources.some((r) => r.provider),
        "ResourceV2 keeps provider references",
      );
      const file = tempFile("staging.v2.json", v2);
      const [[v3Result], [v2Result]] = await Promise.all([policyOf(DEPLOYED.staging), policyOf(file)]);
      assert.equal(v2Result.error, undefined);
      assert.deepEqual(
        messages(v2Result),
        messages(v3Result),
        "the pack judges what the program declared; v2 drops none of it",
      );
      const report = parity(file, tempFile("production.v2.json", asVersion2(production)));
      assert.equal(report.status, 0, report.stderr);
    });

    it("migrates version 1 as UpToDeploymentV2/V3 do: no provider resources or references, `defaults` dropped; analyzed, not refused", async () => {
      const v1 = asVersion1(staging);
      assert.ok(
        v1.deployment.resources.some((r) => r["dependencies"] === null && "defaults" in r),
        "the v1 shape: null lists, defaults",
      );
      const read = fromStackExport(structuredClone(v1));
      assert.ok(read.resources.every((r) => !r.provider && !r.type.startsWith("pulumi:providers:")));
      assert.ok(read.resources.every((r) => !("defaults" in r.inputs)));
      assert.equal(
        read.resources.length,
        staging.deployment.resources.filter((r) => !String(r["type"]).startsWith("pulumi:providers:")).length,
      );
      const [result] = await policyOf(tempFile("staging.v1.json", v1));
      assert.equal(result.error, undefined, "pulumi policy analyze reads a version-1 state and analyzes it");
      assert.ok(result.verdicts && result.verdicts.length > 0);
      const report = parity(tempFile("staging.v1.json", v1), tempFile("production.v1.json", asVersion1(production)));
      assert.notEqual(report.status, 2, report.stderr);
      assert.ok(JSON.parse(report.stdout).totals, "a report, not an error");
    });

    it("refuses what the CLI refuses: a version newer than 4, older than 1, or a version-4 feature it does not support", () => {
      const files = {
        v5: tempFile("staging.v5.json", { ...staging, version: 5 }),
        v0: tempFile("staging.v0.json", { ...staging, version: 0 }),
        unknownFeature: tempFile("staging.v4-bytes.json", {
          ...asVersion4(staging),
          features: ["byteString", "taint"],
        }),
      };
      const { run, stacks } = policyJson(Object.values(files));
      assert.equal(run.status, EXIT.error);
      // ErrDeploymentSchemaVersionTooNew / TooOld; validateSupportedFeatures → ErrDeploymentUnsupportedFeatures.
      assert.match(
        byFile(stacks, files.v5).error?.message ?? "",
        /has deployment version 5: it was written by a newer Pulumi CLI .*"this stack's deployment version is too new"/,
      );
      assert.match(
        byFile(stacks, files.v0).error?.message ?? "",
        /has deployment version 0, older than any the Pulumi CLI reads/,
      );
      assert.match(
        byFile(stacks, files.unknownFeature).error?.message ?? "",
        /needs deployment features this reader does not support: `byteString`; .*"this stack's deployment needs support for the following features"/,
      );
      const report = parity(files.v5, DEPLOYED.production);
      assert.equal(report.status, 2);
      assert.match(
        report.stderr,
        /The staging export `.*staging\.v5\.json` has deployment version 5: it was written by a newer Pulumi CLI/,
      );
    });
  });

  describe("what the CLI does before it analyzes", () => {
    it("says there is nothing to analyze in an export without resources, and exits 0 (pkg/cmd/pulumi/policy/policy_analyze.go)", () => {
      const empty = tempFile("empty.json", {
        version: 3,
        deployment: { manifest: staging.deployment.manifest, secrets_providers: staging.deployment.secrets_providers },
      });
      const text = cli("policy", ["--stack-export", empty]);
      assert.equal(text.status, EXIT.clean, text.stderr);
      assert.match(text.stdout, /The stack has no resources; nothing to analyze\./);
      const { stacks } = policyJson([empty]);
      assert.deepEqual([stacks[0].ok, stacks[0].empty], [true, true]);
      // Two stacks cannot be compared when one has nothing in it: a clear error.
      const report = parity(empty, DEPLOYED.production);
      assert.equal(report.status, 2);
      assert.match(
        report.stderr,
        /The staging export `.*empty\.json` holds no resources .*\nFix: deploy the staging stack first/,
      );
    });

    it("refuses another project's export with one error naming the project, in both tools", () => {
      const foreign = path.join(FIXTURES, "azure-aks.export.json");
      const { run, stacks } = policyJson([foreign]);
      assert.equal(run.status, EXIT.error);
      assert.deepEqual(stacks[0].verdicts, [], "no verdicts about NAT gateways it never had");
      assert.match(
        stacks[0].error?.message ?? "",
        /azure-aks\.export\.json is of project `aks-platform`, not `parity` .* Fix: export a stack of this project/,
      );
      const both = parity(foreign, foreign);
      assert.equal(both.status, 2);
      assert.match(
        both.stderr,
        /The staging export `.*azure-aks\.export\.json` is of project `aks-platform`, not `parity`/,
      );
      const mixed = parity(DEPLOYED.staging, foreign);
      assert.equal(mixed.status, 2);
      assert.match(mixed.stderr, /The exports belong to different projects: .* to `parity`, .* to `aks-platform`/);
    });

    it("refuses a duplicate URN, a parent after its child and a cycle of parents, naming the URN and the file, without hanging (pkg/resource/deploy/snapshot.go VerifyIntegrity)", () => {
      const dbUrn = String(
        staging.deployment.resources.find((r) => String(r["urn"]).endsWith("::db-instance"))?.["urn"],
      );
      const duplicate = structuredClone(staging);
      duplicate.deployment.resources.push(
        structuredClone(duplicate.deployment.resources.find((r) => r["urn"] === dbUrn) as Record<string, unknown>),
      );
      // The Database component made a child of its own instance: a loop of two parents.
      const componentUrn = String(
        staging.deployment.resources.find((r) => r["type"] === "parity:components:Database")?.["urn"],
      );
      const cycle = withResource(staging, `::${componentUrn.split("::").pop()}`, (r) => {
        r["parent"] = dbUrn;
      });
      const files = { duplicate: tempFile("duplicate.json", duplicate), cycle: tempFile("cycle.json", cycle) };
      const { run, stacks } = policyJson(Object.values(files));
      assert.equal(run.status, EXIT.error);
      assert.match(
        byFile(stacks, files.duplicate).error?.message ?? "",
        new RegExp(
          `duplicate\\.json has two resources with the URN ${escape(dbUrn)} \\(resources\\[\\d+\\] and resources\\[\\d+\\]\\), neither marked for deletion`,
        ),
      );
      assert.match(
        byFile(stacks, files.cycle).error?.message ?? "",
        new RegExp(
          `cycle\\.json has resources\\[\\d+\\] \\(${escape(componentUrn)}\\) whose parent ${escape(dbUrn)} comes after it`,
        ),
      );
      for (const [name, file] of Object.entries(files)) {
        const report = parity(file, DEPLOYED.production);
        assert.equal(report.status, 2, `${name}: ${report.stderr}`);
        assert.match(
          report.stderr,
          new RegExp(`The staging export \`${escape(file)}\` has .*${escape(name === "cycle" ? componentUrn : dbUrn)}`),
        );
      }
    });

    it("never loops in the pack on a chain of parents that closes on itself", () => {
      const a: ComparableResource = {
        urn: "urn:pulumi:s::p::my:C::a",
        type: "my:C",
        inputs: {},
        parent: "urn:pulumi:s::p::my:C$my:C::b",
      };
      const b: ComparableResource = { urn: "urn:pulumi:s::p::my:C$my:C::b", type: "my:C", inputs: {}, parent: a.urn };
      const byUrn = new Map([a, b].map((r) => [r.urn, r]));
      assert.equal(componentOf(a, byUrn), "b", "the walk stops where the loop closes");
    });

    it("refuses a leading UTF-8 byte-order mark in both tools, as `pulumi stack import` does (Go's encoding/json, pkg/cmd/pulumi/stack/stack_import.go)", () => {
      const bom = tempFile("bom.json", `\uFEFF${fs.readFileSync(DEPLOYED.staging, "utf8")}`);
      const { run, stacks } = policyJson([bom]);
      assert.equal(run.status, EXIT.error);
      assert.match(
        stacks[0].error?.message ?? "",
        /bom\.json starts with a UTF-8 byte-order mark, which the Pulumi CLI's JSON decoder refuses/,
      );
      const report = parity(bom, DEPLOYED.production);
      assert.equal(report.status, 2);
      assert.match(report.stderr, /The staging export `.*bom\.json` starts with a UTF-8 byte-order mark/);
    });
  });

  describe("export secrets (secrets_providers; sdk/pkg/resource/stack/deployment.go deserializeSecret)", () => {
    const fingerprints = (stagingDoc: Export, productionDoc: Export, env: NodeJS.ProcessEnv = {}) => {
      const masker = new SecretMasker();
      const saved = { ...process.env };
      Object.assign(process.env, env);
      try {
        const read = (doc: Export, role: "staging" | "production") =>
          readForParity(tempFile(`${role}.json`, doc), role, masker);
        const [s, p] = [read(stagingDoc, "staging"), read(productionDoc, "production")];
        const value = (side: typeof s) =>
          JSON.stringify(side.resources.find((r) => r.urn.endsWith(PAYMENTS_KEY))?.inputs["secretString"]);
        return {
          staging: value(s),
          production: value(p),
          notes: [...s.notes, ...p.notes],
          text: JSON.stringify([s, p]),
        };
      } finally {
        for (const k of Object.keys(env)) if (saved[k] === undefined) delete process.env[k];
        Object.assign(process.env, saved);
      }
    };

    it("b64: decodes them, so an equal secret in both stacks compares equal and different ones differ (pkg/secrets/b64/manager.go)", () => {
      const equal = fingerprints(
        withPaymentsKey(staging, { ciphertext: SECRETS.b64.shared }, b64Provider),
        withPaymentsKey(production, { ciphertext: SECRETS.b64.shared }, b64Provider),
      );
      assert.equal(equal.staging, equal.production);
      const different = fingerprints(
        withPaymentsKey(staging, { ciphertext: SECRETS.b64.staging }, b64Provider),
        withPaymentsKey(production, { ciphertext: SECRETS.b64.production }, b64Provider),
      );
      assert.notEqual(different.staging, different.production);
      assert.match(different.notes.join("\n"), /decrypted with the export's `b64` secrets provider/);
      assertNoLeak(equal.text + different.text, ...Object.values(SECRETS.values));
    });

    it("passphrase: opens them with PULUMI_CONFIG_PASSPHRASE; equal compares equal, different differ (pkg/secrets/passphrase/manager.go)", () => {
      const secret = (name: string) => ({ ciphertext: SECRETS.passphrase.ciphertexts[name] });
      const equal = fingerprints(
        withPaymentsKey(staging, secret("shared"), passphraseProvider),
        withPaymentsKey(production, secret("shared"), passphraseProvider),
        PASSPHRASE_ENV,
      );
      assert.equal(equal.staging, equal.production);
      const different = fingerprints(
        withPaymentsKey(staging, secret("staging"), passphraseProvider),
        withPaymentsKey(production, secret("production"), passphraseProvider),
        PASSPHRASE_ENV,
      );
      assert.notEqual(different.staging, different.production);
      assert.match(
        different.notes.join("\n"),
        /^2 export secrets decrypted with PULUMI_CONFIG_PASSPHRASE; still marked secret and never shown\.$/m,
      );
      assertNoLeak(equal.text + different.text, ...Object.values(SECRETS.values));
    });

    it("redacts what it cannot open, with a note saying why: no passphrase, a wrong one, Pulumi Cloud, a KMS key", () => {
      const secret = { ciphertext: SECRETS.passphrase.ciphertexts["shared"] };
      const cases: [unknown, NodeJS.ProcessEnv, RegExp][] = [
        [
          passphraseProvider,
          {},
          /redacted .*neither PULUMI_CONFIG_PASSPHRASE nor PULUMI_CONFIG_PASSPHRASE_FILE is set/,
        ],
        [
          passphraseProvider,
          { PULUMI_CONFIG_PASSPHRASE: "not the passphrase" },
          /redacted .*PULUMI_CONFIG_PASSPHRASE is not this stack's passphrase/,
        ],
        [
          {
            type: "service",
            state: { url: "https://api.pulumi.com", owner: "acme", project: "parity", stack: "staging" },
          },
          {},
          /redacted .*encrypted by Pulumi Cloud \(`service` secrets provider\)/,
        ],
        [
          { type: "cloud", state: { url: "awskms://alias/pulumi-staging?region=us-east-1", encryptedkey: "AQID" } },
          {},
          /redacted .*encrypted with a cloud key \(`awskms:\/\/…`\)/,
        ],
      ];
      for (const [provider, env, note] of cases) {
        const read = fingerprints(
          withPaymentsKey(staging, secret, provider),
          withPaymentsKey(production, secret, provider),
          env,
        );
        assert.match(read.notes[0] ?? "", note);
        assert.equal(read.staging, read.production, "the same ciphertext is still the same value");
        assertNoLeak(read.text, SECRETS.values.shared);
      }
    });

    it("runs the pack and the report on decrypted exports without printing a secret", () => {
      const files = {
        b64: tempFile("staging.b64.json", withPaymentsKey(staging, { ciphertext: SECRETS.b64.staging }, b64Provider)),
        passphrase: tempFile(
          "staging.passphrase.json",
          withPaymentsKey(staging, { ciphertext: SECRETS.passphrase.ciphertexts["staging"] }, passphraseProvider),
        ),
      };
      const { run, stacks } = policyJson(Object.values(files), PASSPHRASE_ENV);
      assert.equal(run.status, EXIT.clean, run.stdout);
      assert.match(
        byFile(stacks, files.b64).notes?.join("\n") ?? "",
        /decrypted with the export's `b64` secrets provider/,
      );
      assert.match(byFile(stacks, files.passphrase).notes?.join("\n") ?? "", /decrypted with PULUMI_CONFIG_PASSPHRASE/);
      assertNoLeak(run.stdout + run.stderr, SECRETS.values.staging);
      const production = tempFile(
        "production.passphrase.json",
        withPaymentsKey(
          readExport(DEPLOYED.production),
          { ciphertext: SECRETS.passphrase.ciphertexts["production"] },
          passphraseProvider,
        ),
      );
      const report = parity(files.passphrase, production, PASSPHRASE_ENV, "terminal");
      assert.notEqual(report.status, 2, report.stderr);
      assert.match(report.stdout, /staging {4}.*2 export secrets decrypted with PULUMI_CONFIG_PASSPHRASE/);
      assertNoLeak(report.stdout + report.stderr, SECRETS.values.staging, SECRETS.values.production);
    });

    it("refuses an undecodable secret with a clear message: no stack trace, none of the secret's characters", () => {
      const cases = {
        plaintextNotJson: [
          withPaymentsKey(staging, { plaintext: "sk_live_51NotJsonEncoded" }, b64Provider),
          /whose value is not JSON, which the Pulumi CLI cannot read either; value not shown/,
        ],
        b64NotJson: [
          withPaymentsKey(staging, { ciphertext: SECRETS.b64["notJson"] }, b64Provider),
          /whose value is not JSON/,
        ],
        notBase64: [
          withPaymentsKey(staging, { ciphertext: SECRETS.b64["notBase64"] }, b64Provider),
          /that the stack's b64 secrets provider cannot decrypt/,
        ],
        passphraseNotJson: [
          withPaymentsKey(staging, { ciphertext: SECRETS.passphrase.ciphertexts["notJson"] }, passphraseProvider),
          /whose value is not JSON/,
        ],
        otherStack: [
          withPaymentsKey(staging, { ciphertext: SECRETS.passphrase.ciphertexts["otherStack"] }, passphraseProvider),
          /that the stack's passphrase secrets provider cannot decrypt \(altered, or copied from another stack\)/,
        ],
        malformed: [
          withPaymentsKey(staging, { plaintext: '"x"', ciphertext: SECRETS.b64.staging }, b64Provider),
          /has a malformed secret at .* exactly one of `ciphertext` or `plaintext`/,
        ],
      } as const;
      const files = Object.fromEntries(
        Object.entries(cases).map(([name, [doc]]) => [name, tempFile(`${name}.json`, doc)]),
      );
      const { run, stacks } = policyJson(Object.values(files), PASSPHRASE_ENV);
      assert.equal(run.status, EXIT.error);
      assertNoLeak(
        run.stdout + run.stderr,
        "sk_live_51NotJsonEncoded",
        "sk_live_51!!not-base64!!",
        "sk_live_51OtherStackValue",
        SECRETS.values.staging,
      );
      for (const [name, [, message]] of Object.entries(cases)) {
        const error = byFile(stacks, files[name]).error?.message ?? "";
        assert.match(error, message, name);
        assert.match(
          error,
          new RegExp(`at resources\\[\\d+\\] \\(.*${escape(PAYMENTS_KEY)}\\) inputs\\.secretString`),
          `${name}: names where`,
        );
      }
      const report = parity(files["plaintextNotJson"], DEPLOYED.production);
      assert.equal(report.status, 2);
      assert.match(
        report.stderr,
        /^parity: The staging export `.*plaintextNotJson\.json` has a secret at .* whose value is not JSON/,
      );
      assertNoLeak(report.stdout + report.stderr, "sk_live_51NotJsonEncoded");
    });
  });

  it("names project, stack and file in each summary line, so two exports of one stack stay apart", () => {
    const result = (file: string): ExportResult => ({
      file: path.join(ROOT, file),
      project: "parity",
      stack: "staging",
      resources: 3,
      verdicts: [],
    });
    const text = toText([result("a/staging.json"), result("b/staging.json")], {});
    const summary = text.trimEnd().split("\n").slice(-2);
    assert.deepEqual(summary, [
      "parity/staging (a/staging.json): 3 deployed resources; 0 mandatory, 0 advisory; policy check passed",
      "parity/staging (b/staging.json): 3 deployed resources; 0 mandatory, 0 advisory; policy check passed",
    ]);
  });
});
