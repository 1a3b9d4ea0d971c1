import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { knownDifferencesFor, ParityFileError } from "../../policy/files";
import { checkDeclarationScope, coverageOf, KnownDifference, parseKnownDifferences, ScopedResource, securityKind } from "../../policy/known-differences";
import { readLock } from "../../policy/lock";
import type { StackSnapshot } from "../../tools/offline/snapshot";
import { analyze, expectViolation, mutate, snapshotOf } from "./harness";
import { projectTempDir } from "./temp-file";

/** known-differences.yaml excuses named resources and properties, never security, never everything. */

const entry = (fields: Record<string, unknown>) => ({ id: "wide", what: "w", why: "y", howToTestSafely: "h", ...fields });
const parse = (fields: Record<string, unknown>) => parseKnownDifferences({ differences: [entry(fields)] }, "kd.yaml");
const lockScope = (): ScopedResource[] => Object.entries(readLock().resources).map(([key, r]) => ({ key, type: r.type, paths: Object.keys(r.properties) }));

describe("known differences: what a declaration may cover", function () {
  this.timeout(120_000);

  it("accepts the committed declarations against production's lock", () => {
    const known = knownDifferencesFor({});
    assert.ok(known.length >= 6);
    const payments = coverageOf(known.find((k) => k.id === "payments-sandbox") as KnownDifference, lockScope());
    assert.deepEqual([...payments.values()].flat().sort().filter((p, i, a) => a.indexOf(p) === i), ['tags["parity:mode"]', 'tags["parity:simulated"]']);
  });

  it("rejects `*` for resources and properties, saying what it matches", () => {
    assert.throws(() => parse({ resources: ["*"], properties: ["*"] }), (e: Error) =>
      /`resources` pattern "\*" matches every resource\. Fix: name the resources that differ/.test(e.message) &&
      /`properties` pattern "\*" matches every property\. Fix: name the properties that differ/.test(e.message) &&
      /has 2 problems/.test(e.message));
    assert.throws(() => parse({ env: ["**"] }), /`env` pattern "\*\*" matches every env var/);
  });

  it("rejects properties without resources, security-relevant property patterns and security env keys", () => {
    assert.throws(() => parse({ properties: ["tags.team"] }), /`properties` without `resources` would excuse those properties on every resource/);
    assert.throws(() => parse({ resources: ["db-instance"], properties: ["storage*"] }), /covers encryption \(`storageEncrypted`\), which must match production/);
    assert.throws(() => parse({ resources: ["auth-*"], properties: ["*Flows"] }), /covers an auth flow or sign-in rule \(`explicitAuthFlows`\)/);
    assert.throws(() => parse({ env: ["COOKIE_*"] }), /`env` pattern "COOKIE_\*" covers a security setting/);
    assert.equal(securityKind("sslPolicy"), "TLS");
    assert.equal(securityKind("runtimePlatform.operatingSystemFamily"), undefined);
  });

  it("rejects, against the lock, a pattern reaching a security property or structural properties of many resources", () => {
    const sse = parse({ resources: ["uploads*"], properties: ["rules*"] });
    assert.throws(() => checkDeclarationScope(sse, lockScope(), "kd.yaml"), /`wide`: covers `rules\[0\]\.applyServerSideEncryptionByDefault\.sseAlgorithm` of `.*uploads.*`, which is encryption/);
    const blanket = parse({ resources: ["parity:components:*"], properties: ["port", "ttl", "type", "messageRetentionSeconds"] });
    assert.throws(() => checkDeclarationScope(blanket, lockScope(), "kd.yaml"), /`wide`: covers structural properties of \d+ resources \(.*\), more than 6: a blanket exception hides real drift/);
    const narrow = parse({ resources: ["jobs-jobs"], properties: ["tags.team"] });
    assert.equal(checkDeclarationScope(narrow, lockScope(), "kd.yaml").length, 1);
  });

  describe("in the pack", () => {
    let production: StackSnapshot;
    let dir: string;
    before(async () => {
      production = await snapshotOf("production");
      dir = projectTempDir("parity-kd-");
    });

    /** The message of the pack's refusal to run with this stack-parity config. */
    const refusal = (config: Record<string, string>, what: string): Promise<string> =>
      analyze(production, { "stack-parity": config }).then(
        () => assert.fail(`expected the pack to refuse ${what}`),
        (e: Error) => e.message,
      );

    it("a bad file is one clear error, without the pack's stack trace", async () => {
      const file = path.join(dir, "everything.yaml");
      fs.writeFileSync(file, "differences:\n  - {id: everything, what: w, why: y, howToTestSafely: h, resources: ['*'], properties: ['*']}\n");
      const error = await refusal({ knownDifferencesFile: file }, "the file");
      assert.match(error, /everything\.yaml has 2 problems/);
      assert.doesNotMatch(error, /\n\s+at /, "no JS stack frames");
      assert.ok(new ParityFileError("x").stack === "x");
    });

    it("a broken lock and a YAML error are one clear message each, with the fix or the excerpt", async () => {
      const lock = path.join(dir, "parity.lock.json");
      fs.writeFileSync(lock, '{"version": 1,');
      const lockError = await refusal({ lockFile: lock }, "the lock");
      assert.match(lockError, /parity\.lock\.json: not valid JSON .*Fix: regenerate it with `npm run parity:lock`/);
      assert.doesNotMatch(lockError, /\n\s+at /);
      const yaml = path.join(dir, "broken.yaml");
      fs.writeFileSync(yaml, "differences:\n  - id: a\n    what: [unclosed\n    why: y\n");
      const yamlError = await refusal({ knownDifferencesFile: yaml }, "the file");
      assert.match(yamlError, /broken\.yaml: not valid YAML \(line 4, column 5: [A-Z_]+\)\. Fix: correct the YAML there/);
      assert.doesNotMatch(yamlError, /unclosed/, "the file's text is never quoted");
      assert.doesNotMatch(yamlError, /\n\s+at /);
    });

    it("production's stale lock is reported even where a declaration matches the difference", async () => {
      const file = path.join(dir, "declared.yaml");
      fs.writeFileSync(file, "differences:\n  - {id: timezone, what: w, why: y, howToTestSafely: h, resources: ['jobs-daily-report'], properties: ['scheduleExpressionTimezone']}\n");
      const changed = mutate(production, "jobs-daily-report", (p) => void (p.scheduleExpressionTimezone = "Europe/Madrid"));
      const v = await analyze(changed, { "stack-parity": { knownDifferencesFile: file } });
      expectViolation(v, "stack-parity", /scheduleExpressionTimezone`: this stack has "Europe\/Madrid", production has "UTC"/, /run `npm run parity:lock`/);
    });
  });
});
