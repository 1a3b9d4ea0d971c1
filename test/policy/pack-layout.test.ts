import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { policies } from "../../policy/policies";
import * as resourceClasses from "../../policy/resource-classes";
import { declaredInputs } from "../../policy/rules/declared-inputs";
import * as types from "../../policy/types";
import { pack } from "./harness";

/**
 * The pack's layout as rules the code keeps (docs/policy-pack.md): one policy per file of rules/, named
 * as the policy is; every resource type token from types.ts; declared-inputs last.
 */

const ROOT = path.resolve(__dirname, "../..");
const POLICY_DIR = path.join(ROOT, "policy");
const RULES_DIR = path.join(POLICY_DIR, "rules");
const UNLEVELED_PACK = path.join(ROOT, "test", "fixtures", "unleveled-pack");

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" ? [] : sourceFiles(p);
    return e.name.endsWith(".ts") ? [p] : [];
  });
}

/**
 * A type token or module prefix (`"aws:s3/bucket:Bucket"`, `"aws:iam/"`) in a string, or in a regex
 * (`^aws:iam\/`); not the `aws:` inside an ARN (`iam::aws:policy/…`).
 */
const TYPE_LITERAL = /(?<![\w:])aws:[a-z0-9]+(\/|\\\/)/;

describe("the pack's layout", () => {
  it("names resource types only through policy/types.ts: no type token literal anywhere else in policy/", () => {
    const files = sourceFiles(POLICY_DIR).filter((f) => f !== path.join(POLICY_DIR, "types.ts"));
    assert.ok(files.length > 20, `the scan sees the pack's files (${files.length})`);
    const offenders = files.flatMap((f) =>
      fs
        .readFileSync(f, "utf8")
        .split("\n")
        .flatMap((line, i) =>
          TYPE_LITERAL.test(line) ? [`${path.relative(POLICY_DIR, f)}:${i + 1}: ${line.trim()}`] : [],
        ),
    );
    assert.deepEqual(offenders, []);
  });

  it("the scan would see a token written anywhere else: a string, a template or a regex", () => {
    for (const line of [
      'r.type === "aws:s3/bucket:Bucket"',
      "`aws:iam/${x}`",
      "/^aws:iam\\/role/.test(t)",
      "startsWith('aws:s3/bucketAcl')",
    ]) {
      assert.ok(TYPE_LITERAL.test(line), line);
    }
    for (const line of [
      '"aws:SecureTransport"',
      'sseAlgorithm: "aws:kms"',
      "arn:aws:iam::aws:policy/AdministratorAccess",
      "/^arn:aws[a-z-]*:iam::aws:policy\\/Admin/",
    ]) {
      assert.ok(!TYPE_LITERAL.test(line), `${line} is not a type token`);
    }
  });

  it("every class a rule binds to matches the token types.ts has for it (the SDK compares __pulumiType by ===)", () => {
    const tokens = new Set<unknown>(Object.values(types).filter((v) => typeof v === "string"));
    const classes = Object.entries(resourceClasses);
    assert.ok(classes.length >= 4, "the four classes the rules bind to");
    for (const [name, cls] of classes) {
      const token = (cls as { __pulumiType?: unknown }).__pulumiType;
      assert.equal(typeof token, "string", `${name} carries a type token`);
      assert.ok(tokens.has(token), `${name}'s ${String(token)} is in types.ts`);
    }
    const tokenOf = (cls: unknown) => (cls as { __pulumiType?: unknown }).__pulumiType;
    assert.equal(tokenOf(resourceClasses.RdsInstanceClass), types.RDS_INSTANCE);
    assert.equal(tokenOf(resourceClasses.CognitoUserPoolClass), types.COGNITO_USER_POOL);
    assert.equal(tokenOf(resourceClasses.IamRoleClass), types.IAM_ROLE);
    assert.equal(tokenOf(resourceClasses.SchedulerScheduleClass), types.SCHEDULER_SCHEDULE);
  });

  it("each policy is the one export of rules/<its name>.ts, and rules/ holds no file without one", () => {
    const byFile = new Map<string, string[]>();
    for (const f of fs.readdirSync(RULES_DIR).filter((x) => x.endsWith(".ts"))) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const exported = Object.values(require(path.join(RULES_DIR, f)) as Record<string, unknown>);
      byFile.set(
        f,
        policies.filter((p) => exported.includes(p)).map((p) => p.name),
      );
    }
    for (const p of policies)
      assert.deepEqual(byFile.get(`${p.name}.ts`), [p.name], `rules/${p.name}.ts holds ${p.name} alone`);
    assert.deepEqual(
      [...byFile].filter(([, names]) => names.length === 0).map(([f]) => f),
      [],
      "a file of rules/ with no policy",
    );
  });

  it("every policy says how to fix a violation and where to read more, once (remediationSteps, url)", () => {
    for (const p of policies) {
      assert.ok((p.remediationSteps ?? "").length > 20, `${p.name} has remediationSteps`);
      assert.ok(p.url, `${p.name} has a url`);
    }
  });

  it("each policy's remediation names the specific fix a violation needs", () => {
    // The fixes that left the messages: each must still be said, once, where the CLI reads it.
    const expected: [string, RegExp][] = [
      ["staging-integrations-simulated", /payments `test`/],
      ["staging-integrations-simulated", /pulumi config set --secret paymentsApiKey/i],
      ["production-data-protected", /protectData: true/i],
      ["queue-retry-rules", /VISIBILITY_TIMEOUT_SECONDS/i],
      ["schedule-timezone", /set `scheduleExpressionTimezone`/i],
      ["no-reset-in-production", /dbResetToken ""/i],
      ["encryption-in-transit", /set the parameter `rds\.force_ssl` to "1"/i],
      ["s3-access-logging", /`accessLogBucket`/i],
      ["no-public-data", /BucketPublicAccessBlock/],
      ["no-public-data", /publiclyAccessible: false/i],
      ["least-privilege-iam", /name the actions/i],
      ["encryption-at-rest", /kmsKeyId: logsKey\.arn/],
      ["auth-hardening", /autoVerifiedAttributes: \["email"\]/],
      ["no-shared-credentials", /reference only its own resources/],
      ["no-shared-credentials", /its own account/i],
      ["no-master-secret-in-services", /give services the application role's secret/i],
    ];
    for (const [name, fix] of expected)
      assert.match(policies.find((p) => p.name === name)?.remediationSteps ?? "", fix, name);
  });

  it("every url is a heading of this repo's docs that exists, or an AWS Security Hub control", () => {
    // GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens.
    const anchor = (heading: string) =>
      heading
        .trim()
        .toLowerCase()
        .replace(/[^\w\s-]/g, "")
        .replace(/\s/g, "-");
    for (const p of policies) {
      const url = p.url ?? "";
      if (url.startsWith("https://")) {
        assert.match(
          url,
          /^https:\/\/docs\.aws\.amazon\.com\/securityhub\/latest\/userguide\/([a-z0-9]+)-controls\.html#\1-\d+$/,
          p.name,
        );
        continue;
      }
      const [file, section] = url.split("#");
      const doc = path.join(ROOT, file);
      assert.ok(fs.existsSync(doc), `${p.name}: ${file} exists`);
      const headings = fs
        .readFileSync(doc, "utf8")
        .split("\n")
        .filter((l) => l.startsWith("#"))
        .map((l) => anchor(l.replace(/^#+/, "")));
      assert.ok(section && headings.includes(section), `${p.name}: ${file} has a heading #${section}`);
    }
  });

  it("the served pack hands each policy's remediationSteps and url to the CLI in GetAnalyzerInfo", async () => {
    const info = await (await pack()).info();
    assert.equal(info.policies.length, policies.length);
    for (const p of policies) {
      const served = info.policies.find((x) => x.name === p.name);
      assert.equal(served?.remediationSteps, p.remediationSteps, p.name);
      assert.equal(served?.url, p.url, p.name);
    }
  });

  it("a policy that names no enforcement level of its own is served as mandatory, the pack's level", async () => {
    // The SDK gives such a policy the pack's level (@pulumi/policy protoutil.js makeAnalyzerInfo:
    // `policy.enforcementLevel || policyPackEnforcementLevel`), and PolicyPack falls back to advisory
    // when the pack names none (policy.js). A gate must fail closed: a rule added without a level rejects.
    const info = await (await pack(UNLEVELED_PACK)).info();
    assert.equal(info.policies.find((p) => p.name === "unleveled")?.enforcementLevel, "mandatory");
    assert.equal(info.policies.find((p) => p.name === "declared-inputs")?.enforcementLevel, "advisory");
  });

  it("declared-inputs is the last policy: it forgets the run's declarations, and the SDK runs stack policies in list order", () => {
    assert.equal(policies[policies.length - 1], declaredInputs);
    assert.equal(policies.filter((p) => p === declaredInputs).length, 1);
  });
});
