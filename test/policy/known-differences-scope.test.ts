import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { knownDifferencesFor, ParityFileError } from "../../policy/pack/files";
import {
  checkDeclarationScope,
  coverageOf,
  declarationScopeProblems,
  declaresEnv,
  declaresPresence,
  declaresProperty,
  KnownDifference,
  parseKnownDifferences,
  ScopedResource,
  securityKind,
} from "../../policy/engine/known-differences";
import { readLock } from "../../policy/engine/lock";
import type { CollectedResource, StackSnapshot } from "../../tools/simulator/snapshot";
import { main as parityMain } from "../../tools/parity/cli";
import { analyze, expectViolation, mandatory, mutate, snapshotOf } from "./harness";
import { projectTempDir } from "./temp-file";

/** known-differences.yaml excuses named resources and properties, never security, never everything. */

const entry = (fields: Record<string, unknown>) => ({
  id: "wide",
  what: "w",
  why: "y",
  howToTestSafely: "h",
  ...fields,
});
const parse = (fields: Record<string, unknown>) => parseKnownDifferences({ differences: [entry(fields)] }, "kd.yaml");
const lockScope = (): ScopedResource[] =>
  Object.entries(readLock().resources).map(([key, r]) => ({ key, type: r.type, paths: Object.keys(r.properties) }));

describe("known differences: what a declaration may cover", function () {
  this.timeout(120_000);

  it("accepts the committed declarations against production's lock", () => {
    const known = knownDifferencesFor({});
    assert.ok(known.length >= 6);
    const payments = coverageOf(known.find((k) => k.id === "payments-sandbox") as KnownDifference, lockScope());
    assert.deepEqual(
      [...payments.values()]
        .flat()
        .sort()
        .filter((p, i, a) => a.indexOf(p) === i),
      ['tags["parity:mode"]', 'tags["parity:simulated"]'],
    );
  });

  it("rejects `*` for resources and properties, saying what it matches", () => {
    assert.throws(
      () => parse({ resources: ["*"], properties: ["*"] }),
      (e: Error) =>
        /`resources` pattern "\*" matches every resource\. Fix: name the resources that differ/.test(e.message) &&
        /`properties` pattern "\*" matches every property\. Fix: name the properties that differ/.test(e.message) &&
        /has 2 problems/.test(e.message),
    );
    assert.throws(() => parse({ env: ["**"] }), /`env` pattern "\*\*" matches every env var/);
  });

  it("rejects properties without resources, security-relevant property patterns and security env keys", () => {
    assert.throws(
      () => parse({ properties: ["tags.team"] }),
      /`properties` without `resources` would excuse those properties on every resource/,
    );
    assert.throws(
      () => parse({ resources: ["db-instance"], properties: ["storage*"] }),
      /covers encryption \(`storageEncrypted`\), which must match production/,
    );
    assert.throws(
      () => parse({ resources: ["auth-*"], properties: ["*Flows"] }),
      /covers an auth flow or sign-in rule \(`explicitAuthFlows`\)/,
    );
    assert.throws(() => parse({ env: ["COOKIE_*"] }), /`env` pattern "COOKIE_\*" covers a security setting/);
    assert.equal(securityKind("sslPolicy"), "TLS");
    assert.equal(securityKind("runtimePlatform.operatingSystemFamily"), undefined);
  });

  it("rejects, against the lock, a pattern reaching a security property or structural properties of many resources", () => {
    const sse = parse({ resources: ["uploads*"], properties: ["rules*"] });
    assert.throws(
      () => checkDeclarationScope(sse, lockScope(), "kd.yaml"),
      /`wide`: covers `rules\[0\]\.applyServerSideEncryptionByDefault\.sseAlgorithm` of `.*uploads.*`, which is encryption/,
    );
    const blanket = parse({ resources: ["*-*"], properties: ["port", "ttl", "type", "messageRetentionSeconds"] });
    assert.throws(
      () => checkDeclarationScope(blanket, lockScope(), "kd.yaml"),
      /`wide`: covers structural properties of \d+ resources \(.*\), more than 6: a blanket exception hides real drift/,
    );
    const narrow = parse({ resources: ["jobs-jobs"], properties: ["tags.team"] });
    assert.equal(checkDeclarationScope(narrow, lockScope(), "kd.yaml").length, 1);
  });

  it("refuses on their face resource patterns that match everything-ish, or a security type", () => {
    for (const pattern of ["*:*", "*::*", "**", "*$*", " * : * "]) {
      assert.throws(
        () => parse({ resources: [pattern], onlyIn: "staging" }),
        new RegExp(`\`resources\` pattern ${JSON.stringify(pattern).replace(/[*$]/g, "\\$&")} matches every resource`),
        pattern,
      );
    }
    assert.throws(
      () => parse({ resources: ["aws:*"], onlyIn: "staging" }),
      /`resources` pattern "aws:\*" reaches resources of a security type \(`aws:iam\/role:Role`\)/,
    );
    assert.throws(
      () => parse({ resources: ["*Role*"], onlyIn: "staging" }),
      /pattern "\*Role\*" reaches resources of a security type/,
    );
    assert.throws(
      () => parse({ resources: ["*$aws:ec2/securityGroup*"], onlyIn: "staging" }),
      /reaches resources of a security type \(`aws:ec2\/securityGroup:SecurityGroup`\)/,
    );
    assert.throws(
      () => parse({ resources: ["*$aws:ec2/defaultSecurityGroup*"], onlyIn: "staging" }),
      /reaches resources of a security type \(`aws:ec2\/defaultSecurityGroup:DefaultSecurityGroup`\)/,
    );
    assert.equal(parse({ resources: ["auth-seed-*"], onlyIn: "staging" }).length, 1);
  });

  it("judges an env glob by the security keys it matches, on its face and in real stacks", () => {
    assert.throws(
      () => parse({ env: ["DATABASE_*"] }),
      /`env` pattern "DATABASE_\*" covers a security setting \(`DATABASE_SSLMODE`\)/,
    );
    assert.throws(() => parse({ env: ["NODE_*"] }), /covers a security setting \(`NODE_TLS_REJECT_UNAUTHORIZED`\)/);
    const known = parse({ env: ["APP_*"] });
    const task = (env: string[]): ScopedResource[] => [
      {
        key: "aws:ecs/taskDefinition:TaskDefinition::web-task",
        type: "aws:ecs/taskDefinition:TaskDefinition",
        paths: [],
        env,
      },
    ];
    assert.deepEqual(declarationScopeProblems(known, task(["APP_NAME", "APP_LOG_LEVEL"])), []);
    assert.deepEqual(declarationScopeProblems(known, task(["APP_NAME", "APP_TLS_MODE"])), [
      '`wide`: `env` pattern "APP_*" matches `APP_TLS_MODE`, a security setting, which must match production in every stack. Fix: name only the env keys that really differ; give staging production\'s `APP_TLS_MODE`.',
    ]);
    // However the pattern got past the file's checks, it never excuses the key it matches.
    assert.equal(declaresEnv(known, "APP_TLS_MODE"), undefined);
    assert.equal(declaresEnv([entry({ env: ["DATA*"] })], "DATABASE_SSLMODE"), undefined);
    assert.equal(declaresEnv(known, "APP_NAME")?.id, "wide");
  });

  it("knows encryption, TLS and IAM settings by any spelling AWS uses, and no more", () => {
    const kinds: Record<string, string> = {
      sqsManagedSseEnabled: "encryption",
      "serverSideEncryption.enabled": "encryption",
      kmsMasterKeyId: "encryption",
      "defaultEncryption.SSEAlgorithm": "encryption",
      "rule.applyServerSideEncryptionByDefault.kmsMasterKeyId": "encryption",
      sslPolicy: "TLS",
      requireTls: "TLS",
      "deliveryOptions.tlsPolicy": "TLS",
      enforceSsl: "TLS",
      "viewerCertificate.minimumProtocolVersion": "TLS",
      httpsOnly: "TLS",
      allowInsecure: "TLS",
      permissionsBoundary: "IAM",
      policyArn: "IAM",
      objectOwnership: "public access",
    };
    for (const [p, kind] of Object.entries(kinds)) assert.equal(securityKind(p), kind, p);
    for (const p of [
      "addresses",
      "classes",
      "messageRetentionSeconds",
      "delaySeconds",
      "tags.team",
      "runtimePlatform.operatingSystemFamily",
    ])
      assert.equal(securityKind(p), undefined, p);
    assert.equal(
      declaresProperty(
        [entry({ resources: ["jobs"], properties: ["sqs*"] })],
        "aws:sqs/queue:Queue::jobs",
        "aws:sqs/queue:Queue",
        "sqsManagedSseEnabled",
      ),
      undefined,
    );
    assert.throws(
      () => parse({ resources: ["jobs"], properties: ["sqs*"] }),
      /covers encryption \(`sqsManagedSseEnabled`\)/,
    );
  });

  it("refuses a one-stack declaration reaching a security resource, or more than twelve resources", () => {
    const role: ScopedResource = {
      key: "parity:components:Debug$aws:iam/role:Role::debug-admin",
      type: "aws:iam/role:Role",
      paths: ["assumeRolePolicy.Statement[0].Principal"],
    };
    const debug = parse({ resources: ["debug-*"], onlyIn: "staging" });
    assert.deepEqual(declarationScopeProblems(debug, [role]), [
      "`wide`: declares `parity:components:Debug$aws:iam/role:Role::debug-admin` (aws:iam/role:Role) as existing only in staging, and a resource of a security type (IAM, KMS, bucket policy, security group) must match production in every stack. Fix: narrow `resources` to the resources that really exist in one stack only, and build this one as production does.",
    ]);
    assert.equal(declaresPresence(debug, role.key, role.type, "staging"), undefined);
    const queues = Array.from({ length: 13 }, (_, i): ScopedResource => ({
      key: `aws:sqs/queue:Queue::debug-${i}`,
      type: "aws:sqs/queue:Queue",
      paths: [],
    }));
    assert.deepEqual(declarationScopeProblems(debug, queues.slice(0, 12)), []);
    assert.match(
      declarationScopeProblems(debug, queues)[0],
      /^`wide`: declares 13 resources \(debug-0, debug-1, debug-2, debug-3, …\) as existing only in staging, more than 12/,
    );
    // Production's own security resources, reached by a one-stack declaration's names: refused against the lock.
    assert.throws(
      () => checkDeclarationScope(parse({ resources: ["app-task"], onlyIn: "production" }), lockScope(), "kd.yaml"),
      /declares `parity:components:AppRoles\$aws:iam\/role:Role::app-task` \(aws:iam\/role:Role\) as existing only in production/,
    );
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
      fs.writeFileSync(
        file,
        "differences:\n  - {id: everything, what: w, why: y, howToTestSafely: h, resources: ['*'], properties: ['*']}\n",
      );
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
      assert.match(
        yamlError,
        /broken\.yaml: not valid YAML \(line 4, column 5: [A-Z_]+\)\. Fix: correct the YAML there/,
      );
      assert.doesNotMatch(yamlError, /unclosed/, "the file's text is never quoted");
      assert.doesNotMatch(yamlError, /\n\s+at /);
    });

    /** `snapshot` plus a role only it has: assumable by anyone, with AdministratorAccess. */
    function withAdminRole(snapshot: StackSnapshot, name: string): StackSnapshot {
      const copy = structuredClone(snapshot) as StackSnapshot & { resources: CollectedResource[] };
      const template = copy.resources.find((r) => r.name === "app-task") as CollectedResource;
      const trust = JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }],
      });
      const props = { assumeRolePolicy: trust, managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"] };
      copy.resources.push({
        ...template,
        urn: template.urn.replace(/::app-task$/, `::${name}`),
        name,
        inputs: props,
        checkedInputs: props,
        outputs: { ...template.outputs, ...props, name },
      });
      return copy;
    }

    it("a one-stack declaration never excuses a security resource only staging has", async () => {
      const file = path.join(dir, "debug.yaml");
      fs.writeFileSync(
        file,
        "differences:\n  - {id: debug-tools, what: w, why: y, howToTestSafely: h, resources: ['debug-*'], onlyIn: staging}\n",
      );
      const v = await analyze(withAdminRole(await snapshotOf("staging"), "debug-admin"), {
        "stack-parity": { knownDifferencesFile: file },
      });
      expectViolation(
        v,
        "stack-parity",
        /known-differences\.yaml declaration `debug-tools`: declares `parity:components:AppRoles\$aws:iam\/role:Role::debug-admin` \(aws:iam\/role:Role\) as existing only in staging/,
        /Fix: narrow `resources`/,
      );
      expectViolation(
        v,
        "stack-parity",
        /`parity:components:AppRoles\$aws:iam\/role:Role::debug-admin` \(aws:iam\/role:Role, component app\) exists in this stack but not in production/,
      );
      assert.ok(!mandatory(v).some((x) => x.policyName === "parity-notes"), "not a declared difference");
    });

    it("a one-stack declaration of ordinary resources still passes in staging", async () => {
      const v = await analyze(await snapshotOf("staging"));
      assert.deepEqual(
        mandatory(v).map((x) => x.message),
        [],
      );
    });

    it("`npm run parity` refuses the declarations the pack refuses, with the pack's message", async () => {
      const file = path.join(dir, "roles.yaml");
      fs.writeFileSync(
        file,
        "differences:\n  - {id: no-task-role, what: w, why: y, howToTestSafely: h, resources: ['app-task'], onlyIn: production}\n",
      );
      const packError = await refusal({ knownDifferencesFile: file }, "the file");
      let stderr = "";
      let stdout = "";
      const code = await parityMain(["--known-differences", file, "--seed", "5eed"], {
        stdout: { write: (t: string) => (stdout += t) },
        stderr: { write: (t: string) => (stderr += t) },
        env: {},
      });
      assert.equal(code, 2, stdout);
      const problem = /`no-task-role`: declares .* as existing only in production, .*/.exec(packError)?.[0];
      assert.ok(problem, packError);
      assert.ok(stderr.includes(problem), stderr);
      assert.doesNotMatch(stdout, /staging matches/);
    });

    it("production's stale lock is reported even where a declaration matches the difference", async () => {
      const file = path.join(dir, "declared.yaml");
      fs.writeFileSync(
        file,
        "differences:\n  - {id: timezone, what: w, why: y, howToTestSafely: h, resources: ['jobs-daily-report'], properties: ['scheduleExpressionTimezone']}\n",
      );
      const changed = mutate(
        production,
        "jobs-daily-report",
        (p) => void (p.scheduleExpressionTimezone = "Europe/Madrid"),
      );
      const v = await analyze(changed, { "stack-parity": { knownDifferencesFile: file } });
      expectViolation(
        v,
        "stack-parity",
        /scheduleExpressionTimezone`: this stack has "Europe\/Madrid", production has "UTC"/,
        /run `npm run parity:lock`/,
      );
    });
  });
});
