import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { PolicyConfigInput, PolicyVerdict } from "../../tools/offline/analyzer";
import { type StackSnapshot, UNKNOWN } from "../../tools/offline/snapshot";
import { UNKNOWN_VALUE } from "../../policy/flatten";
import { asDeployedState } from "./deployed-state";
import { projectTempDir } from "./temp-file";
import { analyze, bothSnapshots, changeContainers, expectViolation, mandatory, mutate, mutateDeclared } from "./harness";

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

  for (const shape of SHAPES) {
  describe(`stack-parity (${shape.name})`, () => {
    it("rejects a changed database parameter", async () => {
      const v = await shape.analyze(mutate(staging, "db-params", (p) => {
        p.parameters = (p.parameters as { name: string; value: string }[]).map((x) => (x.name === "timezone" ? { ...x, value: "Europe/Paris" } : x));
      }));
      expectViolation(v, "stack-parity", /db-params/, /parameters\[name=timezone\]\.value/, /this stack has "Europe\/Paris", production has "UTC"/, /known-differences\.yaml/);
    });

    it("masks a value on a password, token or key path in its message", async () => {
      // Production declares no masterPassword, so the lock cannot place it: an advisory note, masked.
      const v = await analyze(mutate(staging, "db-instance", (p) => void (p.masterPassword = "hunter2-in-clear")));
      const note = v.find((x) => x.policyName === "parity-notes" && /`masterPassword` is \[secret\] here, where production declares nothing/.test(x.message));
      assert.ok(note, `no masked note: ${v.map((x) => x.message).join("\n")}`);
      assert.ok(!v.some((x) => x.message.includes("hunter2-in-clear")), "a policy message printed the password");
      // A setting about a credential is no credential: it shows its value.
      const ttl = await analyze(mutate(staging, "auth-web-client", (p) => void (p.accessTokenValidity = 7)));
      expectViolation(ttl, "stack-parity", /`accessTokenValidity`: this stack has 7, production has \d+/);
    });

    it("rejects another engine version", async () => {
      const v = await shape.analyze(mutate(staging, "db-instance", (p) => void (p.engineVersion = "15.4")));
      expectViolation(v, "stack-parity", /db-instance/, /`engineVersion`: this stack has "15\.4", production has "16"/, /Fix: make this stack build it the way production does/);
    });

    it("rejects a queue retried once", async () => {
      const v = await shape.analyze(mutate(staging, "jobs-jobs", (p) => void (p.redrivePolicy = JSON.stringify({ ...JSON.parse(String(p.redrivePolicy)), maxReceiveCount: 1 }))));
      expectViolation(v, "stack-parity", /redrivePolicy\.maxReceiveCount`: this stack has 1, production has 5/);
      expectViolation(v, "queue-retry-rules", /jobs-jobs/, /after 1 receive/, /MAX_RECEIVE_COUNT/);
    });

    it("rejects another schedule timezone", async () => {
      const v = await shape.analyze(mutate(staging, "jobs-daily-report", (p) => void (p.scheduleExpressionTimezone = "America/New_York")));
      expectViolation(v, "stack-parity", /jobs-daily-report/, /scheduleExpressionTimezone`: this stack has "America\/New_York", production has "UTC"/);
    });

    it("rejects a changed callback path (compared with the domain as a placeholder)", async () => {
      const v = await shape.analyze(mutate(staging, "auth-web-client", (p) => void (p.callbackUrls = ["https://staging.app.example.com/callback"])));
      expectViolation(v, "stack-parity", /callbackUrls`: this stack has \["https:\/\/\{domain\}\/callback"\], production has \["https:\/\/\{domain\}\/auth\/callback"\]/);
    });

    it("rejects a changed SameSite cookie rule in the environment", async () => {
      const v = await shape.analyze(mutate(staging, "web-task", changeContainers((c) => {
        c[0].environment = c[0].environment.map((e) => (e.name === "COOKIE_SAMESITE" ? { ...e, value: "none" } : e));
      })));
      expectViolation(v, "stack-parity", /Env var `COOKIE_SAMESITE` of service `web-task\/app`: this stack has "none", production has "lax"/);
    });

    it("rejects an env var key only staging has", async () => {
      const v = await shape.analyze(mutate(staging, "worker-task", changeContainers((c) => void c[0].environment.push({ name: "DEBUG_SQL", value: "1" }))));
      expectViolation(v, "stack-parity", /`DEBUG_SQL` of service `worker-task\/app`: this stack sets it and production does not; every environment gets the same keys/);
    });

    it("rejects a missing job timeout env var", async () => {
      const v = await shape.analyze(mutate(staging, "worker-task", changeContainers((c) => void (c[0].environment = c[0].environment.filter((e) => e.name !== "JOB_TIMEOUT_SECONDS")))));
      expectViolation(v, "stack-parity", /`JOB_TIMEOUT_SECONDS` of service `worker-task\/app`: production sets it and this stack does not/);
    });

    it("rejects a removed resource", async () => {
      const copy = structuredClone(staging) as StackSnapshot;
      const v = await shape.analyze({ ...copy, resources: copy.resources.filter((r) => r.name !== "jobs-cleanup") });
      expectViolation(v, "stack-parity", /jobs-cleanup` \(aws:scheduler\/schedule:Schedule, component jobs\) exists in production .* but this stack does not create it/);
    });

    it("rejects an extra resource no known difference declares", async () => {
      const copy = structuredClone(staging) as StackSnapshot;
      const queue = copy.resources.find((r) => r.name === "jobs-mail");
      assert.ok(queue);
      const extra = { ...structuredClone(queue), urn: queue.urn.replace(/jobs-mail$/, "jobs-debug"), name: "jobs-debug" };
      const v = await shape.analyze({ ...copy, resources: [...copy.resources, extra] });
      expectViolation(v, "stack-parity", /jobs-debug` \(aws:sqs\/queue:Queue, component jobs\) exists in this stack but not in production/, /declare it in known-differences\.yaml/);
    });

    it("rejects a stack whose AWS provider does not say which environment it is", async () => {
      const v = await shape.analyze(mutate(staging, "aws", (p) => void (p.defaultTags = JSON.stringify({ tags: { "parity:project": "parity" } })), "pulumi:providers:aws"));
      expectViolation(v, "stack-parity", /cannot tell whether this stack is production/, /defaultTags\.tags\["parity:environment"\]/);
    });

    it("rejects an AWS resource on another provider", async () => {
      const v = await shape.analyze(mutate(staging, "jobs-jobs", (_p, r) => void delete r.provider));
      expectViolation(v, "stack-parity", /`jobs-jobs` \(aws:sqs\/queue:Queue\) does not use the stack's tagged AWS provider/);
    });

    it("tells production to regenerate the lock when its structure changed", async () => {
      const v = await shape.analyze(mutate(production, "jobs-jobs", (p) => void (p.receiveWaitTimeSeconds = 5)));
      expectViolation(v, "stack-parity", /receiveWaitTimeSeconds`: this stack has 5, production has 20/, /run `npm run parity:lock` and commit parity\.lock\.json/);
    });

    it("reports a value unknown until deployment as a note, never as a match or a violation", async () => {
      const v = await shape.analyze(mutate(staging, "jobs-jobs", (p) => void (p.visibilityTimeoutSeconds = UNKNOWN)));
      assert.ok(!mandatory(v).some((x) => x.policyName === "stack-parity"), "an unknown value is not a divergence");
      assert.ok(v.some((x) => x.policyName === "parity-notes" && /visibilityTimeoutSeconds` is unknown until deployment/.test(x.message)));
    });

    it("passes with the example policy config, and a stricter config rejects the real stack", async () => {
      const example = JSON.parse(fs.readFileSync(path.resolve(__dirname, "../../policy/config.example.json"), "utf8"));
      assert.deepEqual(mandatory(await shape.analyze(staging, example)).map((v) => v.policyName), []);
      // The stack's queues retry 5 times: a minimum of exactly 5 passes, 6 does not.
      const exact = await shape.analyze(staging, { "queue-retry-rules": { minMaxReceiveCount: 5 } });
      assert.deepEqual(mandatory(exact).map((v) => v.policyName), []);
      const strict = await shape.analyze(staging, { "queue-retry-rules": { minMaxReceiveCount: 6 } });
      expectViolation(strict, "queue-retry-rules", /after 5 receive\(s\); at least 6 are required/);
    });

    it("reads the lock named in its config, relative to the project root", async () => {
      const dir = projectTempDir("lock-");
      const lock = JSON.parse(fs.readFileSync(path.resolve(__dirname, "../../parity.lock.json"), "utf8"));
      lock.resources["parity:components:Database$aws:rds/instance:Instance::db-instance"].properties.engine = "mysql";
      fs.writeFileSync(path.join(dir, "lock.json"), JSON.stringify(lock));
      const v = await shape.analyze(staging, { "stack-parity": { lockFile: path.relative(path.resolve(__dirname, "../.."), path.join(dir, "lock.json")) } });
      expectViolation(v, "stack-parity", /`engine`: this stack has "postgres", production has "mysql"/);
    });

    it("is switched off through policy config", async () => {
      const drifted = mutate(staging, "db-instance", (p) => void (p.engineVersion = "15.4"));
      expectViolation(await shape.analyze(drifted), "stack-parity", /`engineVersion`: this stack has "15\.4"/);
      const v = await shape.analyze(drifted, { "stack-parity": "disabled" });
      assert.ok(!v.some((x) => x.policyName === "stack-parity"));
      // The pack still ran: the other policies still report (here, staging's declared differences).
      assert.ok(v.some((x) => x.policyName === "parity-notes"), "the pack returned no verdict at all");
    });
  });

  describe(`replacement-hazards (${shape.name})`, () => {
    it("names what an engine change in production destroys", async () => {
      const v = await shape.analyze(mutate(production, "db-instance", (p) => void (p.engine = "aurora-postgresql")));
      expectViolation(v, "replacement-hazards", /`engine` changes from "postgres" \(parity\.lock\.json\) to "aurora-postgresql"/, /destroying the database instance and every row/, /plan it as a migration/);
    });

    it("names a hazard property that disappears from production (dbName dropped)", async () => {
      const v = await analyze(mutate(production, "db-instance", (p) => void delete p.dbName));
      expectViolation(v, "replacement-hazards", /`dbName` changes from "app" \(parity\.lock\.json\) to \(not set\)/, /destroying the database instance/);
    });

    it("rejects a KMS alias ARN as the database key", async () => {
      const v = await shape.analyze(mutate(staging, "db-instance", (p) => void (p.kmsKeyId = "arn:aws:kms:us-east-1:210987654321:alias/parity-staging-data")));
      expectViolation(v, "replacement-hazards", /KMS alias ARN as `kmsKeyId`/, /destroying the database instance and every row/, /pass the key's ARN/);
    });

    it("judges the key the program declares, though AWS reports the key's own ARN back", async () => {
      const v = await shape.analyze(mutateDeclared(staging, "db-instance", (p) => void (p.kmsKeyId = "arn:aws:kms:us-east-1:210987654321:alias/parity-staging-data")));
      expectViolation(v, "replacement-hazards", /KMS alias ARN as `kmsKeyId` \(arn:aws:kms:us-east-1:210987654321:alias\/parity-staging-data\)/);
    });

    it("reports several hazards on one resource in property order", async () => {
      const v = await shape.analyze(mutate(production, "db-instance", (p) => {
        p.engine = "aurora-postgresql";
        p.dbName = "main";
      }));
      const hazards = mandatory(v).filter((x) => x.policyName === "replacement-hazards").map((x) => /`(\w+)` changes from/.exec(x.message)?.[1]);
      assert.deepEqual(hazards, ["dbName", "engine"]);
    });

    it("rejects a Cognito string attribute without length constraints", async () => {
      const v = await shape.analyze(mutate(staging, "auth-users", (p) => {
        p.schemas = (p.schemas as Record<string, unknown>[]).map((s) => (s.name === "name" ? { ...s, stringAttributeConstraints: undefined } : s)).map((s) => JSON.parse(JSON.stringify(s)));
      }));
      expectViolation(v, "replacement-hazards", /schema attribute `name` is a String without `stringAttributeConstraints`/, /every account in it/);
    });
  });

  describe(`replacement-hazards: what it leaves alone (${shape.name})`, () => {
    const hazards = (v: PolicyVerdict[]) => mandatory(v).filter((x) => x.policyName === "replacement-hazards").map((x) => x.message);

    it("holds only production to the lock: staging's engine change is stack-parity's finding, not a hazard", async () => {
      const v = await shape.analyze(mutate(staging, "db-instance", (p) => void (p.engine = "aurora-postgresql")));
      expectViolation(v, "stack-parity", /engine/);
      assert.deepEqual(hazards(v), []);
    });

    it("reads `kmsKeyId` as a hazard only on a database: a log group keyed by an alias is not replaced", async () => {
      const v = await shape.analyze(mutate(staging, "app-web-logs", (p) => void (p.kmsKeyId = "arn:aws:kms:us-east-1:210987654321:alias/parity-staging-logs")));
      assert.deepEqual(hazards(v), []);
    });

    it("reads schemas only on a user pool, and asks string constraints only of String attributes", async () => {
      const unconstrained = { name: "nickname", attributeDataType: "String", mutable: true };
      const elsewhere = await shape.analyze(mutate(staging, "db-instance", (p) => void (p.schemas = [unconstrained])));
      assert.deepEqual(hazards(elsewhere), []);
      const number = await shape.analyze(mutate(staging, "auth-users", (p) => void (p.schemas = [...(p.schemas as unknown[]), { name: "age", attributeDataType: "Number", mutable: true }])));
      assert.deepEqual(hazards(number), []);
    });

    it("takes a production resource the lock does not know yet as new, not as a hazard", async () => {
      const added = structuredClone(production) as StackSnapshot & { resources: { name: string; urn: string }[] };
      const db = added.resources.find((r) => r.name === "db-instance") as { name: string; urn: string };
      added.resources.push({ ...structuredClone(db), name: "db-replica", urn: db.urn.replace(/::db-instance$/, "::db-replica") });
      const v = await shape.analyze(added);
      assert.deepEqual(hazards(v), []);
    });

    it("does not call a value unknown until deployment a change, in the stack or in the lock", async () => {
      const unknownNow = await shape.analyze(mutate(production, "db-instance", (p) => void (p.engine = UNKNOWN)));
      assert.deepEqual(hazards(unknownNow), []);
      const lock = JSON.parse(fs.readFileSync(path.resolve(__dirname, "../../parity.lock.json"), "utf8"));
      lock.resources["parity:components:Database$aws:rds/instance:Instance::db-instance"].properties.engine = UNKNOWN_VALUE;
      const lockFile = path.join(projectTempDir("lock-"), "lock.json");
      fs.writeFileSync(lockFile, JSON.stringify(lock));
      const unknownBefore = await shape.analyze(mutate(production, "db-instance", (p) => void (p.engine = "aurora-postgresql")), { "replacement-hazards": { lockFile } });
      assert.deepEqual(hazards(unknownBefore), []);
    });
  });
  }

  /**
   * One case per safety and security policy through the real pack server, as a preview sends it: the
   * rules' cases (each branch, deployed state too) run in process in test/policy/rules/.
   */
  describe("safety and security, end to end", () => {
    it("staging-integrations-simulated rejects a live payment key in staging without printing it", async () => {
      const key = "sk_live_51HxSECRETvalue";
      const v = await analyze(mutate(staging, "integrations-payments-key-value", (p) => void (p.secretString = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: key })));
      expectViolation(v, "staging-integrations-simulated", /integrations-payments-key-value/, /holds a live payment key/);
      assert.ok(!v.some((x) => x.message.includes("SECRETvalue")), "the key must never be printed");
    });

    it("staging-no-production-data rejects a restore from a snapshot in staging", async () => {
      const v = await analyze(mutate(staging, "db-instance", (p) => void (p.snapshotIdentifier = "arn:aws:rds:us-east-1:123456789012:snapshot:parity-production-nightly")));
      expectViolation(v, "staging-no-production-data", /`db-instance`/, /sets `snapshotIdentifier` in a non-production stack/);
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
      const v = await analyze(mutate(staging, "web-http", (p) => void (p.defaultActions = [{ type: "forward", targetGroupArn: "arn:aws:elasticloadbalancing:us-east-1:210987654321:targetgroup/x/1" }])));
      expectViolation(v, "encryption-in-transit", /`web-http`.*serves plain HTTP instead of redirecting to HTTPS/);
    });

    it("no-public-data rejects a bucket that does not block public policies", async () => {
      const v = await analyze(mutate(staging, "uploads-public-access", (p) => void (p.blockPublicPolicy = false)));
      expectViolation(v, "no-public-data", /`uploads-bucket`/, /`blockPublicPolicy` not true/);
    });

    it("least-privilege-iam rejects a `*` IAM action", async () => {
      const v = await analyze(mutate(staging, "app-task-policy", (p) => {
        const doc = JSON.parse(String(p.policy));
        doc.Statement[0].Action = "*";
        p.policy = JSON.stringify(doc);
      }));
      expectViolation(v, "least-privilege-iam", /`app-task-policy`.*`policy` statement 1 allows every action/);
    });

    it("s3-access-logging rejects a data bucket without server access logging", async () => {
      const copy = structuredClone(staging) as StackSnapshot;
      const v = await analyze({ ...copy, resources: copy.resources.filter((r) => r.name !== "integrations-outbox-access-logging") });
      const hit = expectViolation(v, "s3-access-logging", /`integrations-outbox-bucket` \(aws:s3\/bucket:Bucket\) has no server access logging/);
      assert.match(hit.urn ?? "", /::integrations-outbox-bucket$/);
    });

    it("auth-hardening rejects MFA off in production", async () => {
      const v = await analyze(mutate(production, "auth-users", (p) => void (p.mfaConfiguration = "OFF")));
      expectViolation(v, "auth-hardening", /mfaConfiguration` "OFF" in production/);
    });

    it("no-shared-credentials rejects a staging task reading production's secret by the ARN AWS gave it", async () => {
      // Built from production's stack file and AWS's ARN format, with a suffix no mock made: the lock
      // cannot know it, so the pack has to recognise production's account.
      const account = /parity:awsAccountId: "?(\d{12})/.exec(fs.readFileSync(path.resolve(__dirname, "../../Pulumi.production.yaml"), "utf8"))?.[1];
      assert.equal(account, "123456789012");
      const arn = `arn:aws:secretsmanager:us-east-1:${account}:secret:parity-production/database/master-Q1w2E3`;
      const v = await analyze(mutate(staging, "web-task", changeContainers((c) => {
        c[0].secrets = c[0].secrets.map((s) => (s.name === "DATABASE_PASSWORD" ? { ...s, valueFrom: arn } : s));
      })));
      expectViolation(v, "no-shared-credentials", /web-task/, /points into production's AWS account 123456789012 \(arn:aws:secretsmanager:us-east-1:123456789012:secret:parity-production\/database\/master-Q1w2E3\)/);
    });
  });
});
