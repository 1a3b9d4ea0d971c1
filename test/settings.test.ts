import * as assert from "node:assert/strict";
import { ConfigError, parseSettings, RawConfig, stagingDomainShapes } from "../config/settings";

const staging: Record<string, string> = {
  "aws:region": "us-east-1",
  "parity:environment": "staging",
  "parity:awsAccountId": "210987654321",
  "parity:domain": "staging.app.example.com",
  "parity:zoneName": "staging.app.example.com",
  "parity:vpcCidr": "10.30.0.0/16",
  "parity:natGateways": "1",
  "parity:dbInstanceClass": "db.t4g.micro",
  "parity:dbAllocatedStorageGb": "20",
  "parity:dbMaxAllocatedStorageGb": "50",
  "parity:dbBackupRetentionDays": "3",
  "parity:dbMultiAz": "false",
  "parity:dbResetToken": "2026-11-01",
  "parity:protectData": "false",
  "parity:appImage": "210987654321.dkr.ecr.us-east-1.amazonaws.com/app:1.4.2",
  "parity:webDesiredCount": "1",
  "parity:webCpu": "256",
  "parity:webMemoryMb": "512",
  "parity:workerDesiredCount": "1",
  "parity:workerConcurrency": "2",
  "parity:workerCpu": "256",
  "parity:workerMemoryMb": "512",
  "parity:logRetentionDays": "14",
  "parity:uploadsNoncurrentVersionDays": "7",
  "parity:paymentsMode": "test",
  "parity:emailMode": "capture",
  "parity:smsMode": "log",
  "parity:seedAccounts": "true",
  "parity:paymentsApiKey": "sk_test_51Hx",
};

const production: Record<string, string> = {
  ...staging,
  "parity:environment": "production",
  "parity:awsAccountId": "123456789012",
  "parity:domain": "app.example.com",
  "parity:zoneName": "example.com",
  "parity:dbResetToken": "",
  "parity:protectData": "true",
  "parity:dbBackupRetentionDays": "14",
  "parity:paymentsMode": "live",
  "parity:emailMode": "send",
  "parity:smsMode": "send",
  "parity:seedAccounts": "false",
  "parity:paymentsApiKey": "sk_live_51Hx",
};

function raw(stack: string, values: Record<string, string | undefined>, plain: string[] = []): RawConfig {
  return {
    project: "parity",
    stack,
    get: (k) => values[k],
    isSecret: (k) => k === "parity:paymentsApiKey" && !plain.includes(k),
  };
}

function problemsOf(stack: string, values: Record<string, string | undefined>, plain: string[] = []): ConfigError {
  try {
    parseSettings(raw(stack, values, plain));
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
    return e;
  }
  assert.fail(`expected stack ${stack} to be rejected`);
}

function expectProblem(stack: string, values: Record<string, string | undefined>, key: string, pattern: RegExp, plain: string[] = []) {
  const err = problemsOf(stack, values, plain);
  const problem = err.problems.find((p) => p.key === key);
  assert.ok(problem, `no problem reported for ${key}; got: ${err.message}`);
  assert.match(`${problem.problem} ${problem.fix}`, pattern);
  assert.match(err.message, new RegExp(`Stack "${stack}"`));
  assert.match(err.message, new RegExp(`\`${key}\``));
  assert.match(problem.fix, /pulumi config set|Pulumi\.yaml/);
  return problem;
}

describe("settings", () => {
  it("accepts the staging and production values and applies structural defaults", () => {
    const s = parseSettings(raw("staging", staging));
    assert.equal(s.baseUrl, "https://staging.app.example.com");
    assert.deepEqual(s.queues, ["jobs", "mail"]);
    assert.equal(s.scheduleTimezone, "UTC");
    assert.equal(s.http.cookieSameSite, "lax");
    const p = parseSettings(raw("production", production));
    assert.equal(p.baseUrl, "https://app.example.com");
    assert.equal(p.protectData, true);
  });

  it("names a missing key with its set command", () => {
    const p = expectProblem("staging", { ...staging, "parity:domain": undefined }, "parity:domain", /required/);
    assert.match(p.fix, /pulumi config set --stack staging parity:domain staging\.app\.example\.com/);
  });

  it("rejects a mistyped integer, boolean and mode", () => {
    expectProblem("staging", { ...staging, "parity:webDesiredCount": "two" }, "parity:webDesiredCount", /whole number/);
    expectProblem("staging", { ...staging, "parity:dbMultiAz": "yes" }, "parity:dbMultiAz", /`true` or `false`/);
    expectProblem("staging", { ...staging, "parity:emailMode": "smtp" }, "parity:emailMode", /one of `send`, `capture`/);
  });

  it("rejects staging pointed at production's domain", () => {
    expectProblem("staging", { ...staging, "parity:domain": "app.example.com" }, "parity:domain", /never serve production's domain/);
  });

  it("rejects a staging domain not shaped like production's", () => {
    expectProblem("staging", { ...staging, "parity:domain": "test.example.com" }, "parity:domain", /shaped like production's/);
    assert.deepEqual(stagingDomainShapes("app.example.com"), ["staging.app.example.com", "app-staging.example.com"]);
    assert.doesNotThrow(() => parseSettings(raw("staging", { ...staging, "parity:domain": "app-staging.example.com", "parity:zoneName": "app-staging.example.com" })));
  });

  it("rejects non-positive and absurd sizes", () => {
    expectProblem("staging", { ...staging, "parity:workerDesiredCount": "0" }, "parity:workerDesiredCount", /between 1 and 50/);
    expectProblem("staging", { ...staging, "parity:dbAllocatedStorageGb": "900000" }, "parity:dbAllocatedStorageGb", /between 20 and 16384/);
    expectProblem("staging", { ...staging, "parity:dbInstanceClass": "db.x9.huge" }, "parity:dbInstanceClass", /allowed families/);
    expectProblem("staging", { ...staging, "parity:webMemoryMb": "8192" }, "parity:webMemoryMb", /512, 1024 or 2048 MiB for 256 CPU units/);
  });

  it("sizes the worker with its own Fargate CPU and memory, validated like the web's", () => {
    const s = parseSettings(raw("staging", { ...staging, "parity:workerCpu": "1024", "parity:workerMemoryMb": "3072" }));
    assert.deepEqual([s.app.worker.cpu, s.app.worker.memoryMb], [1024, 3072]);
    assert.deepEqual([s.app.web.cpu, s.app.web.memoryMb], [256, 512], "the worker's size leaked into the web's");
    const memory = expectProblem("staging", { ...staging, "parity:workerCpu": "512", "parity:workerMemoryMb": "512" }, "parity:workerMemoryMb", /1024–4096 MiB for 512 CPU units \(`workerCpu`\)/);
    assert.equal(memory.value, "512");
    assert.match(memory.fix, /pulumi config set --stack staging parity:workerMemoryMb 1024$/);
    const cpu = expectProblem("staging", { ...staging, "parity:workerCpu": "768" }, "parity:workerCpu", /256, 512, 1024, 2048, 4096, 8192 or 16384 CPU units/);
    assert.equal(cpu.value, "768");
    expectProblem("staging", { ...staging, "parity:workerMemoryMb": undefined }, "parity:workerMemoryMb", /required/);
    expectProblem("production", { ...production, "parity:workerCpu": "lots" }, "parity:workerCpu", /whole number/);
  });

  it("rejects live integrations in staging", () => {
    expectProblem("staging", { ...staging, "parity:paymentsMode": "live" }, "parity:paymentsMode", /never charge real cards/);
    expectProblem("staging", { ...staging, "parity:emailMode": "send" }, "parity:emailMode", /never mail real users/);
    expectProblem("staging", { ...staging, "parity:smsMode": "send" }, "parity:smsMode", /never text real phones/);
  });

  it("rejects a live payment key in staging without echoing it", () => {
    const err = problemsOf("staging", { ...staging, "parity:paymentsApiKey": "sk_live_abcdef" });
    const p = err.problems.find((x) => x.key === "parity:paymentsApiKey");
    assert.ok(p);
    assert.match(p.problem, /only test-mode keys/);
    assert.ok(!err.message.includes("sk_live_abcdef"), "the secret must not appear in the message");
  });

  it("rejects a restricted live key (rk_live_) in staging as it does a secret one", () => {
    const err = problemsOf("staging", { ...staging, "parity:paymentsApiKey": "rk_live_abcdef" });
    const p = err.problems.find((x) => x.key === "parity:paymentsApiKey");
    assert.ok(p, "a restricted live key passed staging's validation");
    assert.match(p.problem, /only test-mode keys/);
    assert.ok(!err.message.includes("rk_live_abcdef"), "the secret must not appear in the message");
  });

  it("rejects a payment key stored in clear text", () => {
    expectProblem("staging", staging, "parity:paymentsApiKey", /clear text/, ["parity:paymentsApiKey"]);
  });

  it("refuses the reset token, unprotected data and seeded accounts in production", () => {
    expectProblem("production", { ...production, "parity:dbResetToken": "now" }, "parity:dbResetToken", /production must never do/);
    expectProblem("production", { ...production, "parity:protectData": "false" }, "parity:protectData", /must be protected/);
    expectProblem("production", { ...production, "parity:dbBackupRetentionDays": "3" }, "parity:dbBackupRetentionDays", /at least 7 days/);
    expectProblem("production", { ...production, "parity:seedAccounts": "true" }, "parity:seedAccounts", /no place in production/);
  });

  it("rejects an unknown timezone and bad queue lists", () => {
    expectProblem("staging", { ...staging, "parity:scheduleTimezone": "Mars/Olympus" }, "parity:scheduleTimezone", /IANA/);
    expectProblem("staging", { ...staging, "parity:queues": '["Jobs!"]' }, "parity:queues", /lower-case names/);
    expectProblem("staging", { ...staging, "parity:queues": '["jobs","jobs"]' }, "parity:queues", /unique/);
  });

  it("reports every problem at once", () => {
    const err = problemsOf("staging", { ...staging, "parity:paymentsMode": "live", "parity:natGateways": "9" });
    assert.deepEqual(err.problems.map((p) => p.key).sort(), ["parity:natGateways", "parity:paymentsMode"]);
    assert.match(err.message, /2 configuration problems/);
  });

  describe("each rule's edge", () => {
    // [stack, changed values, key, what the problem says]: one value just outside each rule.
    const outside: [string, Record<string, string | undefined>, string, RegExp][] = [
      ["staging", { "aws:region": "xus-east-1" }, "aws:region", /not an AWS region name/],
      ["staging", { "aws:region": "us-east-1a" }, "aws:region", /not an AWS region name/],
      ["staging", { "parity:awsAccountId": "x21098765432" }, "parity:awsAccountId", /exactly 12 digits/],
      ["staging", { "parity:awsAccountId": "2109876543210" }, "parity:awsAccountId", /exactly 12 digits/],
      ["staging", { "parity:vpcCidr": "x10.30.0.0/16" }, "parity:vpcCidr", /IPv4 CIDR block from \/16 to \/20/],
      ["staging", { "parity:vpcCidr": "10.30.0.0/16x" }, "parity:vpcCidr", /IPv4 CIDR block/],
      ["staging", { "parity:vpcCidr": "10.30.256.0/16" }, "parity:vpcCidr", /IPv4 CIDR block/],
      ["staging", { "parity:vpcCidr": "10.30.0.0/15" }, "parity:vpcCidr", /IPv4 CIDR block/],
      ["staging", { "parity:vpcCidr": "10.30.0.0/21" }, "parity:vpcCidr", /IPv4 CIDR block/],
      ["staging", { "parity:natGateways": "3" }, "parity:natGateways", /between 1 and 2/],
      ["staging", { "parity:natGateways": "0" }, "parity:natGateways", /between 1 and 2/],
      ["staging", { "parity:natGateways": "1x" }, "parity:natGateways", /whole number/],
      ["staging", { "parity:natGateways": "x1" }, "parity:natGateways", /whole number/],
      ["staging", { "parity:zoneName": "example.org" }, "parity:zoneName", /hosted zone must contain `domain` \(staging\.app\.example\.com\)/],
      ["production", { "parity:domain": "www.app.example.com", "parity:zoneName": "example.com" }, "parity:domain", /production must serve `productionDomain` \(app\.example\.com\)/],
    ];
    for (const [stack, change, key, pattern] of outside) {
      it(`rejects ${key} = ${JSON.stringify(change[key])} in ${stack}`, () => {
        expectProblem(stack, { ...(stack === "staging" ? staging : production), ...change }, key, pattern);
      });
    }

    // One value just inside each rule, so a rule drawn too tight fails too.
    const inside: [string, Record<string, string>][] = [
      ["staging", { "parity:natGateways": "2" }],
      ["staging", { "parity:vpcCidr": "10.130.200.100/20" }],
      ["staging", { "aws:region": "us-gov-west-1" }],
      // A zone that is exactly the domain (the domain's own delegated zone) holds it.
      ["production", { "parity:zoneName": "app.example.com" }],
    ];
    for (const [stack, change] of inside) {
      it(`accepts ${JSON.stringify(change)} in ${stack}`, () => {
        const settings = parseSettings(raw(stack, { ...(stack === "staging" ? staging : production), ...change }));
        assert.equal(settings.domain, change["parity:domain"] ?? (stack === "staging" ? "staging.app.example.com" : "app.example.com"));
      });
    }

    it("says a missing value is not set, and counts one problem as one", () => {
      const err = problemsOf("staging", { ...staging, "parity:awsAccountId": undefined });
      assert.match(err.message, /^Stack "staging" has 1 configuration problem; /);
      assert.match(err.message, /`parity:awsAccountId` is not set/);
    });
  });
});
