import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { PolicyConfigInput, PolicyVerdict } from "../../tools/offline/analyzer";
import type { StackSnapshot } from "../../tools/offline/snapshot";
import { policies } from "../../policy/policies";
import { asDeployedState } from "./deployed-state";
import { analyze, bothSnapshots, changeContainers, expectViolation, mandatory, mutate } from "./harness";

/** A policy's generic fix, which the CLI gets once (GetAnalyzerInfo) instead of in every message. */
function remediationOf(name: string): string {
  const policy = policies.find((p) => p.name === name);
  assert.ok(policy?.remediationSteps, `${name} has remediationSteps`);
  return policy.remediationSteps;
}

/**
 * The pack through the analyzer harness: the real staging and production snapshots pass, and each
 * drifted or unsafe variant (one change each) is rejected by the right policy with a message that
 * says what to do.
 */

const POLICIES = [
  "stack-parity",
  "replacement-hazards",
  "staging-integrations-simulated",
  "staging-no-production-data",
  "production-data-protected",
  "queue-retry-rules",
  "schedule-timezone",
  "no-reset-in-production",
  "encryption-at-rest",
  "encryption-in-transit",
  "no-public-data",
  "least-privilege-iam",
  "s3-access-logging",
  "auth-hardening",
  "no-shared-credentials",
  "no-master-secret-in-services",
  // the security floor: rejections in security-floor.test.ts
  "no-public-ingress",
  "no-database-egress",
  "no-public-bucket-policy",
  "no-public-role-trust",
  "no-full-admin",
];

/**
 * The two ways a stack reaches the pack: a preview of the program (Analyze gets inputs, AnalyzeStack
 * outputs), and a deployed stack's state as `pulumi policy analyze` sends it (checked inputs with
 * provider defaults, outputs full of provider-filled values and other generated ids, no provider
 * resources in the stack). Every rejection below must hold on both.
 */
const SHAPES = [
  { name: "preview", analyze: (s: StackSnapshot, config?: PolicyConfigInput) => analyze(s, config) },
  {
    name: "deployed state",
    analyze: (s: StackSnapshot, config?: PolicyConfigInput) => analyze(asDeployedState(s, { seed: "drift-check" }), config, { providersInStack: false }),
  },
];

describe("policy pack (through the analyzer harness)", function () {
  this.timeout(180_000);
  let staging: StackSnapshot;
  let production: StackSnapshot;

  before(async () => {
    [staging, production] = await bothSnapshots();
  });

  describe("the real stacks", () => {
    const real = new Map<string, Promise<PolicyVerdict[]>>();
    const verdictsOf = (stack: "staging" | "production") => {
      if (!real.has(stack)) real.set(stack, analyze(stack === "staging" ? staging : production));
      return real.get(stack) as Promise<PolicyVerdict[]>;
    };

    for (const policy of POLICIES) {
      it(`${policy}: staging and production pass`, async () => {
        for (const stack of ["staging", "production"] as const) {
          const failures = mandatory(await verdictsOf(stack)).filter((v) => v.policyName === policy);
          assert.deepEqual(failures.map((v) => `${stack}: ${v.message.split("\n").pop()}`), []);
        }
      });
    }

    it("no policy outside the list rejects either stack", async () => {
      for (const stack of ["staging", "production"] as const) {
        assert.deepEqual(mandatory(await verdictsOf(stack)).map((v) => `${stack} ${v.policyName}`), []);
      }
    });

    it("every policy in the pack is one this suite exercises", async () => {
      const { policies } = await (await import("./harness")).pack().then((p) => p.info());
      const advisory = ["parity-notes", "declared-inputs"];
      const names = policies.map((p) => p.name).filter((n) => !advisory.includes(n));
      assert.deepEqual([...names].sort(), [...POLICIES].sort());
      for (const p of policies) assert.equal(p.enforcementLevel, advisory.includes(p.name) ? "advisory" : "mandatory", p.name);
    });

    it("every policy says what it checks, in a sentence of its own (the CLI prints it with each violation)", async () => {
      const { policies } = await (await import("./harness")).pack().then((p) => p.info());
      for (const p of policies) assert.match(p.description, /^[A-Z`].{40,}\.$/s, p.name);
      assert.equal(new Set(policies.map((p) => p.description)).size, policies.length, "no two policies share a description");
    });

    it("declared-inputs records and never reports", async () => {
      for (const stack of ["staging", "production"] as const) {
        assert.deepEqual((await verdictsOf(stack)).filter((v) => v.policyName === "declared-inputs"), []);
      }
    });

    it("staging's declared differences are reported as advisory notes, not rejected", async () => {
      const notes = (await analyze(staging)).filter((v) => v.policyName === "parity-notes");
      assert.ok(notes.every((v) => v.enforcementLevel === "advisory"));
      assert.ok(notes.some((v) => /PAYMENTS_MODE.*payments-sandbox/.test(v.message)), "PAYMENTS_MODE note missing");
      assert.ok(notes.some((v) => /auth-seed-admin.*seeded-accounts/.test(v.message)), "seeded account note missing");
    });
  });

  describe("end to end, one case per policy of parity and replacement hazards (their rules: test/policy/rules/)", () => {
    it("stack-parity rejects another engine version through the pack server", async () => {
      const v = await analyze(mutate(staging, "db-instance", (p) => void (p.engineVersion = "15.4")));
      expectViolation(v, "stack-parity", /db-instance/, /`engineVersion`: this stack has "15\.4", production has "16"/);
    });

    it("replacement-hazards names what an engine change in production destroys through the pack server", async () => {
      const v = await analyze(mutate(production, "db-instance", (p) => void (p.engine = "aurora-postgresql")));
      expectViolation(v, "replacement-hazards", /`engine` changes from "postgres" \(parity\.lock\.json\) to "aurora-postgresql"/, /destroying the database instance and every row/);
    });
  });

  for (const shape of SHAPES) {
  describe(`safety (${shape.name})`, () => {
    it("rejects live payments in staging", async () => {
      const v = await shape.analyze(mutate(staging, "web-task", changeContainers((c) => {
        c[0].environment = c[0].environment.map((e) => (e.name === "PAYMENTS_MODE" ? { ...e, value: "live" } : e));
      })));
      expectViolation(v, "staging-integrations-simulated", /web-task/, /`PAYMENTS_MODE` to `live` in a non-production stack/, /`test`/);
    });

    it("rejects an integration tagged live in staging", async () => {
      const v = await shape.analyze(mutate(staging, "integrations-payments-key", (p) => void (p.tags = { ...(p.tags as object), "parity:mode": "live" })));
      expectViolation(v, "staging-integrations-simulated", /integrations-payments-key/, /tagged `parity:mode` = `live`/);
      assert.match(remediationOf("staging-integrations-simulated"), /payments `test`/);
    });

    it("rejects a live payment key in staging without printing it", async () => {
      const key = "sk_live_51HxSECRETvalue";
      const v = await shape.analyze(mutate(staging, "integrations-payments-key-value", (p) => void (p.secretString = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: key })));
      const hit = expectViolation(v, "staging-integrations-simulated", /holds a live payment key/);
      assert.match(remediationOf("staging-integrations-simulated"), /pulumi config set --secret paymentsApiKey/i);
      assert.ok(!hit.message.includes(key) && !v.some((x) => x.message.includes("SECRETvalue")), "the key must never be printed");
    });

    it("rejects a restore from a snapshot in staging", async () => {
      const v = await shape.analyze(mutate(staging, "db-instance", (p) => void (p.snapshotIdentifier = "arn:aws:rds:us-east-1:123456789012:snapshot:parity-production-nightly")));
      expectViolation(v, "staging-no-production-data", /`snapshotIdentifier`/, /Fix: remove `snapshotIdentifier`/);
    });

    it("rejects production without deletion protection", async () => {
      const v = await shape.analyze(mutate(production, "db-instance", (p) => void (p.deletionProtection = false)));
      expectViolation(v, "production-data-protected", /db-instance/, /deletionProtection/);
      assert.match(remediationOf("production-data-protected"), /protectData: true/i);
    });

    it("rejects a production database without `protect`", async () => {
      const v = await shape.analyze(mutate(production, "db-instance", (_p, r) => void (r.options.protect = false)));
      expectViolation(v, "production-data-protected", /db-instance.*is not `protect`ed in production/);
    });

    it("rejects production with short backups", async () => {
      const v = await shape.analyze(mutate(production, "db-instance", (p) => void (p.backupRetentionPeriod = 3)));
      expectViolation(v, "production-data-protected", /keeps 3 days of backups in production; at least 7/);
    });

    it("accepts the real queues and rejects a queue without a dead-letter queue", async () => {
      assert.ok(!mandatory(await shape.analyze(staging)).some((x) => x.policyName === "queue-retry-rules"));
      const v = await shape.analyze(mutate(staging, "jobs-mail", (p) => void delete p.redrivePolicy));
      expectViolation(v, "queue-retry-rules", /jobs-mail.*has no dead-letter queue/, /redrivePolicy/);
    });

    it("rejects a queue without a visibility timeout", async () => {
      const v = await shape.analyze(mutate(staging, "jobs-jobs", (p) => void delete p.visibilityTimeoutSeconds));
      expectViolation(v, "queue-retry-rules", /no explicit `visibilityTimeoutSeconds`/);
      assert.match(remediationOf("queue-retry-rules"), /VISIBILITY_TIMEOUT_SECONDS/i);
    });

    it("rejects a schedule without an explicit timezone", async () => {
      const v = await shape.analyze(mutate(staging, "jobs-cleanup", (p) => void delete p.scheduleExpressionTimezone));
      expectViolation(v, "schedule-timezone", /jobs-cleanup/, /no `scheduleExpressionTimezone`/);
      assert.match(remediationOf("schedule-timezone"), /set `scheduleExpressionTimezone`/i);
    });

    it("rejects a reset token in production", async () => {
      const v = await shape.analyze(mutate(production, "db-reset", (p) => void (p.keepers = { resetToken: "2026-11-01" })));
      expectViolation(v, "no-reset-in-production", /db-reset/);
      assert.match(remediationOf("no-reset-in-production"), /dbResetToken ""/i);
    });
  });

  describe(`security (${shape.name})`, () => {
    it("rejects a database without forced TLS (rds.force_ssl=0)", async () => {
      const v = await shape.analyze(mutate(staging, "db-params", (p) => {
        p.parameters = (p.parameters as { name: string; value: string }[]).map((x) => (x.name === "rds.force_ssl" ? { ...x, value: "0" } : x));
      }));
      expectViolation(v, "encryption-in-transit", /`rds\.force_ssl` = "0"/);
      assert.match(remediationOf("encryption-in-transit"), /set the parameter `rds\.force_ssl` to "1"/i);
    });

    it("rejects an HTTP listener that does not redirect", async () => {
      const v = await shape.analyze(mutate(staging, "web-http", (p) => void (p.defaultActions = [{ type: "forward", targetGroupArn: "arn:aws:elasticloadbalancing:us-east-1:210987654321:targetgroup/x/1" }])));
      expectViolation(v, "encryption-in-transit", /web-http/, /redirecting to HTTPS/);
    });

    it("rejects an HTTPS listener on an old TLS policy", async () => {
      const v = await shape.analyze(mutate(staging, "web-https", (p) => void (p.sslPolicy = "ELBSecurityPolicy-2016-08")));
      expectViolation(v, "encryption-in-transit", /web-https/, /"ELBSecurityPolicy-2016-08", which allows old TLS versions/, /sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06"/);
    });

    it("rejects a data bucket without server access logging (FSBP S3.9), and names the fix", async () => {
      const copy = structuredClone(staging) as StackSnapshot;
      const v = await shape.analyze({ ...copy, resources: copy.resources.filter((r) => r.name !== "integrations-outbox-access-logging") });
      const hit = expectViolation(v, "s3-access-logging", /`integrations-outbox-bucket` \(aws:s3\/bucket:Bucket\) has no server access logging/);
      assert.match(remediationOf("s3-access-logging"), /`accessLogBucket`/i);
      assert.match(hit.urn ?? "", /::integrations-outbox-bucket$/);
      // The access-log bucket is exempt only while it is another bucket's logging target.
      const none = { ...copy, resources: copy.resources.filter((r) => r.type !== "aws:s3/bucketLogging:BucketLogging") };
      const names = mandatory(await shape.analyze(none)).filter((x) => x.policyName === "s3-access-logging").map((x) => x.resourceName).sort();
      assert.deepEqual(names, ["access-logs-bucket", "integrations-outbox-bucket", "uploads-bucket"]);
    });

    it("rejects a public-read ACL on a bucket", async () => {
      const v = await shape.analyze(mutate(staging, "integrations-outbox-bucket", (p) => void (p.acl = "public-read")));
      expectViolation(v, "no-public-data", /integrations-outbox-bucket/, /public ACL `public-read`/);
    });

    it("rejects a public bucket", async () => {
      const v = await shape.analyze(mutate(staging, "uploads-public-access", (p) => void (p.blockPublicPolicy = false)));
      expectViolation(v, "no-public-data", /uploads-bucket/, /`blockPublicPolicy` not true/);
      assert.match(remediationOf("no-public-data"), /BucketPublicAccessBlock/);
    });

    it("rejects a publicly accessible database", async () => {
      const v = await shape.analyze(mutate(staging, "db-instance", (p) => void (p.publiclyAccessible = true)));
      expectViolation(v, "no-public-data", /db-instance.*publiclyAccessible/);
      assert.match(remediationOf("no-public-data"), /publiclyAccessible: false/i);
    });

    it("rejects a `*` IAM action", async () => {
      const v = await shape.analyze(mutate(staging, "app-task-policy", (p) => {
        const doc = JSON.parse(String(p.policy));
        doc.Statement[0].Action = "*";
        p.policy = JSON.stringify(doc);
      }));
      expectViolation(v, "least-privilege-iam", /app-task-policy/, /allows every action/);
      assert.match(remediationOf("least-privilege-iam"), /name the actions/i);
    });

    it("rejects a data-service action on every resource", async () => {
      const v = await shape.analyze(mutate(staging, "app-task-policy", (p) => {
        const doc = JSON.parse(String(p.policy));
        doc.Statement[0].Resource = "*";
        p.policy = JSON.stringify(doc);
      }));
      expectViolation(v, "least-privilege-iam", /`s3:GetObject`.* on `\*`/);
    });

    it("rejects an unencrypted database", async () => {
      const v = await shape.analyze(mutate(staging, "db-instance", (p) => void (p.storageEncrypted = false)));
      expectViolation(v, "encryption-at-rest", /db-instance.*storageEncrypted/);
    });

    it("rejects a secret without the stack's own KMS key", async () => {
      const v = await shape.analyze(mutate(staging, "db-master", (p) => void delete p.kmsKeyId));
      expectViolation(v, "encryption-at-rest", /db-master.*no `kmsKeyId`/);
    });

    it("accepts log groups encrypted with the stack's logs key, and rejects one without a key", async () => {
      const groups = staging.resources.filter((r) => r.type === "aws:cloudwatch/logGroup:LogGroup");
      assert.equal(groups.length, 4);
      assert.ok(groups.every((g) => typeof g.inputs.kmsKeyId === "string" && g.inputs.kmsKeyId !== ""), "a log group lost its key");
      const passing = mandatory(await shape.analyze(staging)).filter((v) => v.policyName === "encryption-at-rest");
      assert.deepEqual(passing.map((v) => v.message), []);
      for (const name of ["app-worker-logs", "migrations-runner-logs"]) {
        const v = await shape.analyze(mutate(staging, name, (p) => void delete p.kmsKeyId));
        expectViolation(v, "encryption-at-rest", new RegExp(`${name}.*no \`kmsKeyId\``));
        assert.match(remediationOf("encryption-at-rest"), /kmsKeyId: logsKey\.arn/);
      }
    });

    it("rejects email verification turned off", async () => {
      const v = await shape.analyze(mutate(staging, "auth-users", (p) => void (p.autoVerifiedAttributes = [])));
      expectViolation(v, "auth-hardening", /does not verify email/);
      assert.match(remediationOf("auth-hardening"), /autoVerifiedAttributes: \["email"\]/);
      expectViolation(v, "stack-parity", /autoVerifiedAttributes/);
    });

    it("rejects MFA off in production", async () => {
      const v = await shape.analyze(mutate(production, "auth-users", (p) => void (p.mfaConfiguration = "OFF")));
      expectViolation(v, "auth-hardening", /mfaConfiguration` "OFF" in production/);
    });

    it("rejects a staging task reading production's secret by the ARN AWS gave it", async () => {
      // Built from production's stack file and AWS's ARN format, with a suffix no mock made: the lock
      // cannot know it, so the pack has to recognise production's account.
      const account = /parity:awsAccountId: "?(\d{12})/.exec(fs.readFileSync(path.resolve(__dirname, "../../Pulumi.production.yaml"), "utf8"))?.[1];
      assert.equal(account, "123456789012");
      const arn = `arn:aws:secretsmanager:us-east-1:${account}:secret:parity-production/database/master-Q1w2E3`;
      const v = await shape.analyze(mutate(staging, "web-task", changeContainers((c) => {
        c[0].secrets = c[0].secrets.map((s) => (s.name === "DATABASE_PASSWORD" ? { ...s, valueFrom: arn } : s));
      })));
      expectViolation(v, "no-shared-credentials", /web-task/, /points into production's AWS account 123456789012 \(arn:aws:secretsmanager:us-east-1:123456789012:secret:parity-production\/database\/master-Q1w2E3\)/);
      assert.match(remediationOf("no-shared-credentials"), /reference only its own resources/);
    });

    it("rejects a staging provider allowed into production's account", async () => {
      const v = await shape.analyze(mutate(staging, "aws", (p) => void (p.allowedAccountIds = JSON.stringify(["210987654321", "123456789012"])), "pulumi:providers:aws"));
      expectViolation(v, "no-shared-credentials", /pulumi:providers:aws::aws/, /may deploy into production's AWS account 123456789012/);
      assert.match(remediationOf("no-shared-credentials"), /its own account/i);
    });

    it("leaves production's own references to its account alone", async () => {
      const v = await shape.analyze(production);
      assert.deepEqual(v.filter((x) => x.policyName === "no-shared-credentials").map((x) => x.message), []);
    });
  });
  }
});
