import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { PolicyVerdict } from "../../tools/simulator/analyzer";
import type { StackSnapshot } from "../../tools/simulator/snapshot";
import { analyze, bothSnapshots, changeContainers, expectViolation, mandatory, mutate } from "./harness";

/**
 * The pack through the analyzer harness (the real pack server): the real staging and production
 * snapshots pass every policy, and each policy rejects one planted change end to end. Each rule's
 * cases, branch by branch and on deployed state too, run in process in test/policy/rules/.
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
          assert.deepEqual(
            failures.map((v) => `${stack}: ${v.message.split("\n").pop()}`),
            [],
          );
        }
      });
    }

    it("no policy outside the list rejects either stack", async () => {
      for (const stack of ["staging", "production"] as const) {
        assert.deepEqual(
          mandatory(await verdictsOf(stack)).map((v) => `${stack} ${v.policyName}`),
          [],
        );
      }
    });

    it("every policy in the pack is one this suite exercises", async () => {
      const { policies } = await (await import("./harness")).pack().then((p) => p.info());
      const advisory = ["parity-notes", "declared-inputs"];
      const names = policies.map((p) => p.name).filter((n) => !advisory.includes(n));
      assert.deepEqual([...names].sort(), [...POLICIES].sort());
      for (const p of policies)
        assert.equal(p.enforcementLevel, advisory.includes(p.name) ? "advisory" : "mandatory", p.name);
    });

    it("every policy says what it checks, in a sentence of its own (the CLI prints it with each violation)", async () => {
      const { policies } = await (await import("./harness")).pack().then((p) => p.info());
      for (const p of policies) assert.match(p.description, /^[A-Z`].{40,}\.$/s, p.name);
      assert.equal(
        new Set(policies.map((p) => p.description)).size,
        policies.length,
        "no two policies share a description",
      );
    });

    it("declared-inputs records and never reports", async () => {
      for (const stack of ["staging", "production"] as const) {
        assert.deepEqual(
          (await verdictsOf(stack)).filter((v) => v.policyName === "declared-inputs"),
          [],
        );
      }
    });

    it("staging's declared differences are reported as advisory notes, not rejected", async () => {
      const notes = (await analyze(staging)).filter((v) => v.policyName === "parity-notes");
      assert.ok(notes.every((v) => v.enforcementLevel === "advisory"));
      assert.ok(
        notes.some((v) => /PAYMENTS_MODE.*payments-sandbox/.test(v.message)),
        "PAYMENTS_MODE note missing",
      );
      assert.ok(
        notes.some((v) => /auth-seed-admin.*seeded-accounts/.test(v.message)),
        "seeded account note missing",
      );
    });
  });

  describe("end to end, one case per policy of parity and replacement hazards (their rules: test/policy/rules/)", () => {
    it("stack-parity rejects another engine version through the pack server", async () => {
      const v = await analyze(mutate(staging, "db-instance", (p) => void (p.engineVersion = "15.4")));
      expectViolation(v, "stack-parity", /db-instance/, /`engineVersion`: this stack has "15\.4", production has "16"/);
    });

    it("replacement-hazards names what an engine change in production destroys through the pack server", async () => {
      const v = await analyze(mutate(production, "db-instance", (p) => void (p.engine = "aurora-postgresql")));
      expectViolation(
        v,
        "replacement-hazards",
        /`engine` changes from "postgres" \(parity\.lock\.json\) to "aurora-postgresql"/,
        /destroying the database instance and every row/,
      );
    });
  });

  /**
   * One case per safety and security policy through the real pack server, as a preview sends it: the
   * rules' cases (each branch, deployed state too) run in process in test/policy/rules/.
   */
  describe("safety and security, end to end", () => {
    it("staging-integrations-simulated rejects a live payment key in staging without printing it", async () => {
      const key = "sk_live_51HxSECRETvalue";
      const v = await analyze(
        mutate(
          staging,
          "integrations-payments-key-value",
          (p) =>
            void (p.secretString = {
              "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
              value: key,
            }),
        ),
      );
      expectViolation(
        v,
        "staging-integrations-simulated",
        /integrations-payments-key-value/,
        /holds a live payment key/,
      );
      assert.ok(!v.some((x) => x.message.includes("SECRETvalue")), "the key must never be printed");
    });

    it("staging-no-production-data rejects a restore from a snapshot in staging", async () => {
      const v = await analyze(
        mutate(
          staging,
          "db-instance",
          (p) => void (p.snapshotIdentifier = "arn:aws:rds:us-east-1:123456789012:snapshot:parity-production-nightly"),
        ),
      );
      expectViolation(
        v,
        "staging-no-production-data",
        /`db-instance`/,
        /sets `snapshotIdentifier` in a non-production stack/,
      );
    });

    it("production-data-protected rejects a production database without `protect`", async () => {
      const v = await analyze(mutate(production, "db-instance", (_p, r) => void (r.options.protect = false)));
      expectViolation(v, "production-data-protected", /`db-instance`.*is not `protect`ed in production/);
    });

    it("queue-retry-rules rejects a queue without a dead-letter queue", async () => {
      const v = await analyze(mutate(staging, "jobs-mail", (p) => void delete p.redrivePolicy));
      expectViolation(v, "queue-retry-rules", /`jobs-mail`.*has no dead-letter queue/);
    });

    it("schedule-timezone rejects a schedule without an explicit timezone", async () => {
      const v = await analyze(mutate(staging, "jobs-cleanup", (p) => void delete p.scheduleExpressionTimezone));
      expectViolation(v, "schedule-timezone", /`jobs-cleanup`.*has no `scheduleExpressionTimezone`/);
    });

    it("no-reset-in-production rejects a reset token in production", async () => {
      const v = await analyze(mutate(production, "db-reset", (p) => void (p.keepers = { resetToken: "2026-11-01" })));
      expectViolation(v, "no-reset-in-production", /`db-reset`.*carries a database reset token in production/);
    });

    it("encryption-at-rest rejects an unencrypted database", async () => {
      const v = await analyze(mutate(staging, "db-instance", (p) => void (p.storageEncrypted = false)));
      expectViolation(v, "encryption-at-rest", /`db-instance`.*has `storageEncrypted` false/);
    });

    it("encryption-in-transit rejects an HTTP listener that does not redirect", async () => {
      const v = await analyze(
        mutate(
          staging,
          "web-http",
          (p) =>
            void (p.defaultActions = [
              {
                type: "forward",
                targetGroupArn: "arn:aws:elasticloadbalancing:us-east-1:210987654321:targetgroup/x/1",
              },
            ]),
        ),
      );
      expectViolation(v, "encryption-in-transit", /`web-http`.*serves plain HTTP instead of redirecting to HTTPS/);
    });

    it("no-public-data rejects a bucket that does not block public policies", async () => {
      const v = await analyze(mutate(staging, "uploads-public-access", (p) => void (p.blockPublicPolicy = false)));
      expectViolation(v, "no-public-data", /`uploads-bucket`/, /`blockPublicPolicy` not true/);
    });

    it("least-privilege-iam rejects a `*` IAM action", async () => {
      const v = await analyze(
        mutate(staging, "app-task-policy", (p) => {
          const doc = JSON.parse(String(p.policy));
          doc.Statement[0].Action = "*";
          p.policy = JSON.stringify(doc);
        }),
      );
      expectViolation(v, "least-privilege-iam", /`app-task-policy`.*`policy` statement 1 allows every action/);
    });

    it("s3-access-logging rejects a data bucket without server access logging", async () => {
      const copy = structuredClone(staging) as StackSnapshot;
      const v = await analyze({
        ...copy,
        resources: copy.resources.filter((r) => r.name !== "integrations-outbox-access-logging"),
      });
      const hit = expectViolation(
        v,
        "s3-access-logging",
        /`integrations-outbox-bucket` \(aws:s3\/bucket:Bucket\) has no server access logging/,
      );
      assert.match(hit.urn ?? "", /::integrations-outbox-bucket$/);
    });

    it("auth-hardening rejects MFA off in production", async () => {
      const v = await analyze(mutate(production, "auth-users", (p) => void (p.mfaConfiguration = "OFF")));
      expectViolation(v, "auth-hardening", /mfaConfiguration` "OFF" in production/);
    });

    it("no-shared-credentials rejects a staging task reading production's secret by the ARN AWS gave it", async () => {
      // Built from production's stack file and AWS's ARN format, with a suffix no mock made: the lock
      // cannot know it, so the pack has to recognise production's account.
      const account = /parity:awsAccountId: "?(\d{12})/.exec(
        fs.readFileSync(path.resolve(__dirname, "../../Pulumi.production.yaml"), "utf8"),
      )?.[1];
      assert.equal(account, "123456789012");
      const arn = `arn:aws:secretsmanager:us-east-1:${account}:secret:parity-production/database/master-Q1w2E3`;
      const v = await analyze(
        mutate(
          staging,
          "web-task",
          changeContainers((c) => {
            c[0].secrets = c[0].secrets.map((s) => (s.name === "DATABASE_PASSWORD" ? { ...s, valueFrom: arn } : s));
          }),
        ),
      );
      expectViolation(
        v,
        "no-shared-credentials",
        /web-task/,
        /points into production's AWS account 123456789012 \(arn:aws:secretsmanager:us-east-1:123456789012:secret:parity-production\/database\/master-Q1w2E3\)/,
      );
    });
  });
});
