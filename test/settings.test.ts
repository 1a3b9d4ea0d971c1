import * as assert from "node:assert/strict";
import {
  closestKey,
  ConfigError,
  ConfigProblem,
  formatProblems,
  isIanaTimezone,
  parseSettings,
  RawConfig,
  stagingDomainShapes,
} from "../config/settings";

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

function expectProblem(
  stack: string,
  values: Record<string, string | undefined>,
  key: string,
  pattern: RegExp,
  plain: string[] = [],
) {
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
    expectProblem(
      "staging",
      { ...staging, "parity:emailMode": "smtp" },
      "parity:emailMode",
      /one of `send`, `capture`/,
    );
  });

  it("rejects staging pointed at production's domain", () => {
    expectProblem(
      "staging",
      { ...staging, "parity:domain": "app.example.com" },
      "parity:domain",
      /never serve production's domain/,
    );
  });

  it("rejects a staging domain not shaped like production's", () => {
    expectProblem(
      "staging",
      { ...staging, "parity:domain": "test.example.com" },
      "parity:domain",
      /shaped like production's/,
    );
    assert.deepEqual(stagingDomainShapes("app.example.com"), ["staging.app.example.com", "app-staging.example.com"]);
    assert.doesNotThrow(() =>
      parseSettings(
        raw("staging", {
          ...staging,
          "parity:domain": "app-staging.example.com",
          "parity:zoneName": "app-staging.example.com",
        }),
      ),
    );
  });

  it("rejects non-positive and absurd sizes", () => {
    expectProblem(
      "staging",
      { ...staging, "parity:workerDesiredCount": "0" },
      "parity:workerDesiredCount",
      /between 1 and 50/,
    );
    expectProblem(
      "staging",
      { ...staging, "parity:dbAllocatedStorageGb": "900000" },
      "parity:dbAllocatedStorageGb",
      /between 20 and 16384/,
    );
    expectProblem(
      "staging",
      { ...staging, "parity:dbInstanceClass": "db.x9.huge" },
      "parity:dbInstanceClass",
      /allowed families/,
    );
    expectProblem(
      "staging",
      { ...staging, "parity:webMemoryMb": "8192" },
      "parity:webMemoryMb",
      /512, 1024 or 2048 MiB for 256 CPU units/,
    );
  });

  it("sizes the worker with its own Fargate CPU and memory, validated like the web's", () => {
    const s = parseSettings(
      raw("staging", { ...staging, "parity:workerCpu": "1024", "parity:workerMemoryMb": "3072" }),
    );
    assert.deepEqual([s.app.worker.cpu, s.app.worker.memoryMb], [1024, 3072]);
    assert.deepEqual([s.app.web.cpu, s.app.web.memoryMb], [256, 512], "the worker's size leaked into the web's");
    const memory = expectProblem(
      "staging",
      { ...staging, "parity:workerCpu": "512", "parity:workerMemoryMb": "512" },
      "parity:workerMemoryMb",
      /1024–4096 MiB for 512 CPU units \(`workerCpu`\)/,
    );
    assert.equal(memory.value, "512");
    assert.match(memory.fix, /pulumi config set --stack staging parity:workerMemoryMb 1024$/);
    const cpu = expectProblem(
      "staging",
      { ...staging, "parity:workerCpu": "768" },
      "parity:workerCpu",
      /256, 512, 1024, 2048, 4096, 8192 or 16384 CPU units/,
    );
    assert.equal(cpu.value, "768");
    expectProblem("staging", { ...staging, "parity:workerMemoryMb": undefined }, "parity:workerMemoryMb", /required/);
    expectProblem("production", { ...production, "parity:workerCpu": "lots" }, "parity:workerCpu", /whole number/);
  });

  it("rejects live integrations in staging", () => {
    expectProblem(
      "staging",
      { ...staging, "parity:paymentsMode": "live" },
      "parity:paymentsMode",
      /never charge real cards/,
    );
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
    expectProblem(
      "production",
      { ...production, "parity:dbResetToken": "now" },
      "parity:dbResetToken",
      /production must never do/,
    );
    expectProblem(
      "production",
      { ...production, "parity:protectData": "false" },
      "parity:protectData",
      /must be protected/,
    );
    expectProblem(
      "production",
      { ...production, "parity:dbBackupRetentionDays": "3" },
      "parity:dbBackupRetentionDays",
      /at least 7 days/,
    );
    expectProblem(
      "production",
      { ...production, "parity:seedAccounts": "true" },
      "parity:seedAccounts",
      /no place in production/,
    );
  });

  it("rejects an unknown timezone and bad queue lists", () => {
    expectProblem(
      "staging",
      { ...staging, "parity:scheduleTimezone": "Mars/Olympus" },
      "parity:scheduleTimezone",
      /IANA/,
    );
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
      [
        "staging",
        { "parity:zoneName": "example.org" },
        "parity:zoneName",
        /hosted zone must contain `domain` \(staging\.app\.example\.com\)/,
      ],
      [
        "production",
        { "parity:domain": "www.app.example.com", "parity:zoneName": "example.com" },
        "parity:domain",
        /production must serve `productionDomain` \(app\.example\.com\)/,
      ],
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
        assert.equal(
          settings.domain,
          change["parity:domain"] ?? (stack === "staging" ? "staging.app.example.com" : "app.example.com"),
        );
      });
    }

    it("says a missing value is not set, and counts one problem as one", () => {
      const err = problemsOf("staging", { ...staging, "parity:awsAccountId": undefined });
      assert.match(err.message, /^Stack "staging" has 1 configuration problem; /);
      assert.match(err.message, /`parity:awsAccountId` is not set/);
    });
  });

  describe("what each problem says and the fix it proposes", () => {
    const img = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1.0.0";
    const set = (stack: string, key: string, value: string) => `pulumi config set --stack ${stack} ${key} ${value}`;
    const fargateCpus = "256, 512, 1024, 2048, 4096, 8192 or 16384 CPU units";
    // [stack, changed values, every problem reported for the first changed key]. Each fix is a plain
    // `pulumi config set` (several joined by &&): applied, the stack must validate.
    const cases: [string, Record<string, string | undefined>, ConfigProblem[]][] = [
      [
        "staging",
        { "parity:environment": "stage" },
        [
          {
            key: "parity:environment",
            value: "stage",
            problem: "it must be one of `production`, `staging`.",
            fix: set("staging", "parity:environment", "staging"),
          },
        ],
      ],
      [
        "staging",
        { "aws:region": undefined },
        [
          {
            key: "aws:region",
            value: undefined,
            problem: "it is required and has no default.",
            fix: set("staging", "aws:region", "us-east-1"),
          },
        ],
      ],
      [
        "staging",
        { "aws:region": "mars-north-1" },
        [
          {
            key: "aws:region",
            value: "mars-north-1",
            problem: "it is not an AWS region name.",
            fix: set("staging", "aws:region", "us-east-1"),
          },
        ],
      ],
      [
        "staging",
        { "parity:awsAccountId": "2109" },
        [
          {
            key: "parity:awsAccountId",
            value: "2109",
            problem: "an AWS account ID is exactly 12 digits.",
            fix: set("staging", "parity:awsAccountId", '"123456789012"'),
          },
        ],
      ],
      // Staging's zone is its own domain's: production's zone (example.com) would be refused next.
      [
        "staging",
        { "parity:zoneName": undefined },
        [
          {
            key: "parity:zoneName",
            value: undefined,
            problem: "it is required and has no default.",
            fix: set("staging", "parity:zoneName", "staging.app.example.com"),
          },
        ],
      ],
      [
        "production",
        { "parity:zoneName": undefined },
        [
          {
            key: "parity:zoneName",
            value: undefined,
            problem: "it is required and has no default.",
            fix: set("production", "parity:zoneName", "example.com"),
          },
        ],
      ],
      [
        "staging",
        { "parity:zoneName": "Staging.app.example.com" },
        [
          {
            key: "parity:zoneName",
            value: "Staging.app.example.com",
            problem: "it is not a lower-case DNS name.",
            fix: set("staging", "parity:zoneName", "staging.app.example.com"),
          },
          {
            key: "parity:zoneName",
            value: "Staging.app.example.com",
            problem: "the hosted zone must contain `domain` (staging.app.example.com).",
            fix: set("staging", "parity:zoneName", "staging.app.example.com"),
          },
        ],
      ],
      [
        "staging",
        { "parity:domain": "staging_x.app.example.com" },
        [
          {
            key: "parity:domain",
            value: "staging_x.app.example.com",
            problem: "it is not a lower-case DNS name.",
            fix: set("staging", "parity:domain", "staging.app.example.com"),
          },
          {
            key: "parity:domain",
            value: "staging_x.app.example.com",
            problem:
              "staging's domain must be shaped like production's: `staging.app.example.com` or `app-staging.example.com`.",
            fix: set("staging", "parity:domain", "staging.app.example.com"),
          },
        ],
      ],
      [
        "staging",
        { "parity:zoneName": "example.org" },
        [
          {
            key: "parity:zoneName",
            value: "example.org",
            problem: "the hosted zone must contain `domain` (staging.app.example.com).",
            fix: set("staging", "parity:zoneName", "staging.app.example.com"),
          },
        ],
      ],
      // A zone that would hold the domain as it stands, but not the domain its own fix sets.
      [
        "staging",
        { "parity:zoneName": "test.example.com", "parity:domain": "test.example.com" },
        [
          {
            key: "parity:zoneName",
            value: "test.example.com",
            problem:
              "the hosted zone must contain `domain` (staging.app.example.com) once `domain` is fixed to staging.app.example.com.",
            fix: set("staging", "parity:zoneName", "staging.app.example.com"),
          },
        ],
      ],
      [
        "production",
        { "parity:zoneName": "other.com" },
        [
          {
            key: "parity:zoneName",
            value: "other.com",
            problem: "the hosted zone must contain `domain` (app.example.com).",
            fix: set("production", "parity:zoneName", "example.com"),
          },
        ],
      ],
      [
        "production",
        { "parity:domain": "www.app.example.com" },
        [
          {
            key: "parity:domain",
            value: "www.app.example.com",
            problem: "production must serve `productionDomain` (app.example.com).",
            fix: set("production", "parity:domain", "app.example.com"),
          },
        ],
      ],
      [
        "staging",
        { "parity:vpcCidr": undefined },
        [
          {
            key: "parity:vpcCidr",
            value: undefined,
            problem: "it is required and has no default.",
            fix: set("staging", "parity:vpcCidr", "10.30.0.0/16"),
          },
        ],
      ],
      [
        "staging",
        { "parity:vpcCidr": "10.0.0.0/8" },
        [
          {
            key: "parity:vpcCidr",
            value: "10.0.0.0/8",
            problem: "it must be an IPv4 CIDR block from /16 to /20 (room for four subnets over two AZs).",
            fix: set("staging", "parity:vpcCidr", "10.30.0.0/16"),
          },
        ],
      ],
      [
        "staging",
        { "parity:natGateways": "3" },
        [
          {
            key: "parity:natGateways",
            value: "3",
            problem: "it must be between 1 and 2.",
            fix: set("staging", "parity:natGateways", "2"),
          },
        ],
      ],
      [
        "staging",
        { "parity:dbInstanceClass": undefined },
        [
          {
            key: "parity:dbInstanceClass",
            value: undefined,
            problem: "it is required and has no default.",
            fix: set("staging", "parity:dbInstanceClass", "db.t4g.micro"),
          },
        ],
      ],
      [
        "staging",
        { "parity:dbInstanceClass": "db.t4g.mega" },
        [
          {
            key: "parity:dbInstanceClass",
            value: "db.t4g.mega",
            problem:
              "it is not an RDS class from the allowed families (t4g, t3, m6g, m7g, m6i, m7i, r6g, r7g, r6i, r7i).",
            fix: set("staging", "parity:dbInstanceClass", "db.t4g.micro"),
          },
        ],
      ],
      [
        "staging",
        { "parity:dbMultiAz": undefined },
        [
          {
            key: "parity:dbMultiAz",
            value: undefined,
            problem: "it is required and has no default.",
            fix: set("staging", "parity:dbMultiAz", "false"),
          },
        ],
      ],
      [
        "production",
        { "parity:dbResetToken": "now" },
        [
          {
            key: "parity:dbResetToken",
            value: "now",
            problem: "the reset token rebuilds the database from scratch, which production must never do.",
            fix: set("production", "parity:dbResetToken", '""'),
          },
        ],
      ],
      [
        "production",
        { "parity:protectData": "false" },
        [
          {
            key: "parity:protectData",
            value: "false",
            problem: "production data must be protected (deletion protection, final snapshot, `protect`).",
            fix: set("production", "parity:protectData", "true"),
          },
        ],
      ],
      [
        "staging",
        { "parity:appImage": undefined },
        [
          {
            key: "parity:appImage",
            value: undefined,
            problem: "it is required and has no default.",
            fix: set("staging", "parity:appImage", img),
          },
        ],
      ],
      [
        "staging",
        { "parity:appImage": "nginx:latest" },
        [
          {
            key: "parity:appImage",
            value: "nginx:latest",
            problem:
              "it must be a registry image with an explicit tag or digest (`<registry>/<repo>:<tag>`), never an implicit `latest`.",
            fix: set("staging", "parity:appImage", img),
          },
        ],
      ],
      // Out of range: later checks see the clamped CPU, so the memory fix they add fits it.
      [
        "staging",
        { "parity:webCpu": "32768" },
        [
          {
            key: "parity:webCpu",
            value: "32768",
            problem: "it must be between 256 and 16384.",
            fix: set("staging", "parity:webCpu", "16384"),
          },
        ],
      ],
      [
        "staging",
        { "parity:webMemoryMb": "1536" },
        [
          {
            key: "parity:webMemoryMb",
            value: "1536",
            problem: "Fargate accepts 512, 1024 or 2048 MiB for 256 CPU units (`webCpu`).",
            fix: set("staging", "parity:webMemoryMb", "1024"),
          },
        ],
      ],
      // The CPU is a Fargate size: the fix changes the memory alone.
      [
        "staging",
        { "parity:workerMemoryMb": "512", "parity:workerCpu": "512" },
        [
          {
            key: "parity:workerMemoryMb",
            value: "512",
            problem: "Fargate accepts 1024–4096 MiB for 512 CPU units (`workerCpu`), in steps of 1024 MiB.",
            fix: set("staging", "parity:workerMemoryMb", "1024"),
          },
        ],
      ],
      // No CPU size takes 5000 MiB: the fix changes both keys, to the nearest CPU and its nearest memory.
      [
        "staging",
        { "parity:webCpu": "768", "parity:webMemoryMb": "5000" },
        [
          {
            key: "parity:webCpu",
            value: "768",
            problem: `Fargate accepts only ${fargateCpus}.`,
            fix: `${set("staging", "parity:webCpu", "512")} && ${set("staging", "parity:webMemoryMb", "4096")}`,
          },
        ],
      ],
      [
        "staging",
        { "parity:logRetentionDays": "4" },
        [
          {
            key: "parity:logRetentionDays",
            value: "4",
            problem:
              "CloudWatch accepts only 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653.",
            fix: set("staging", "parity:logRetentionDays", "5"),
          },
        ],
      ],
      [
        "staging",
        { "parity:paymentsMode": "free" },
        [
          {
            key: "parity:paymentsMode",
            value: "free",
            problem: "it must be one of `live`, `test`.",
            fix: set("staging", "parity:paymentsMode", "test"),
          },
        ],
      ],
      [
        "staging",
        { "parity:emailMode": "smtp" },
        [
          {
            key: "parity:emailMode",
            value: "smtp",
            problem: "it must be one of `send`, `capture`.",
            fix: set("staging", "parity:emailMode", "capture"),
          },
        ],
      ],
      [
        "staging",
        { "parity:smsMode": "twilio" },
        [
          {
            key: "parity:smsMode",
            value: "twilio",
            problem: "it must be one of `send`, `log`.",
            fix: set("staging", "parity:smsMode", "log"),
          },
        ],
      ],
      [
        "staging",
        { "parity:emailMode": "send" },
        [
          {
            key: "parity:emailMode",
            value: "send",
            problem: "a staging stack can never mail real users; it captures mail in its outbox.",
            fix: set("staging", "parity:emailMode", "capture"),
          },
        ],
      ],
      [
        "staging",
        { "parity:smsMode": "send" },
        [
          {
            key: "parity:smsMode",
            value: "send",
            problem: "a staging stack can never text real phones; it logs messages.",
            fix: set("staging", "parity:smsMode", "log"),
          },
        ],
      ],
      [
        "staging",
        { "parity:seedAccounts": undefined },
        [
          {
            key: "parity:seedAccounts",
            value: undefined,
            problem: "it is required and has no default.",
            fix: set("staging", "parity:seedAccounts", "true"),
          },
        ],
      ],
      [
        "production",
        { "parity:seedAccounts": undefined },
        [
          {
            key: "parity:seedAccounts",
            value: undefined,
            problem: "it is required and has no default.",
            fix: set("production", "parity:seedAccounts", "false"),
          },
        ],
      ],
      [
        "production",
        { "parity:seedAccounts": "true" },
        [
          {
            key: "parity:seedAccounts",
            value: "true",
            problem: "known test accounts with generated passwords have no place in production.",
            fix: set("production", "parity:seedAccounts", "false"),
          },
        ],
      ],
    ];
    for (const [stack, change, expected] of cases) {
      const key = Object.keys(change)[0];
      it(`${stack}: ${key} = ${JSON.stringify(change[key])} says exactly what is wrong, and its fix validates`, () => {
        const base = stack === "staging" ? staging : production;
        const err = problemsOf(stack, { ...base, ...change });
        assert.deepEqual(
          err.problems.filter((p) => p.key === key),
          expected,
        );
        const fixed: Record<string, string> = {};
        for (const p of err.problems) {
          for (const command of p.fix.split(" && ")) {
            const m = new RegExp(`^pulumi config set --stack ${stack} (\\S+) (\\S+)$`).exec(command);
            assert.ok(m, `not a plain set command: ${command}`);
            fixed[m[1]] = m[2].replace(/^"|"$/g, "");
          }
        }
        assert.doesNotThrow(() => parseSettings(raw(stack, { ...base, ...change, ...fixed })), JSON.stringify(fixed));
      });
    }
  });

  describe("values, messages and the edges of each shape", () => {
    const secretKey = (stack: string, placeholder: string) =>
      `pulumi config set --stack ${stack} --secret parity:paymentsApiKey ${placeholder}`;
    const keyProblems = (stack: string, values: Record<string, string | undefined>, plain: string[] = []) =>
      problemsOf(stack, values, plain).problems.filter((p) => p.key === "parity:paymentsApiKey");

    it("formats each problem on its own lines: key, value (or not set), problem, fix", () => {
      const message = formatProblems("staging", [
        {
          key: "parity:natGateways",
          value: "9",
          problem: "it must be between 1 and 2.",
          fix: "pulumi config set --stack staging parity:natGateways 2",
        },
        {
          key: "parity:domain",
          value: undefined,
          problem: "it is required and has no default.",
          fix: "pulumi config set --stack staging parity:domain staging.app.example.com",
        },
      ]);
      assert.equal(
        message,
        [
          'Stack "staging" has 2 configuration problems; nothing was deployed:',
          '  - `parity:natGateways` is "9": it must be between 1 and 2.',
          "    Fix: pulumi config set --stack staging parity:natGateways 2",
          "  - `parity:domain` is not set: it is required and has no default.",
          "    Fix: pulumi config set --stack staging parity:domain staging.app.example.com",
        ].join("\n"),
      );
      assert.equal(problemsOf("staging", { ...staging, "parity:natGateways": "9" }).name, "ConfigError");
    });

    it("returns every validated value in its place, and the payment key as the secret it was given", async () => {
      const s = parseSettings(
        raw("staging", {
          ...staging,
          "parity:natGateways": "2",
          "parity:webDesiredCount": "2",
          "parity:workerDesiredCount": "3",
          "parity:workerConcurrency": "4",
          "parity:dbMultiAz": "true",
        }),
      );
      const { integrations, ...rest } = s;
      const { paymentsApiKey, ...modes } = integrations;
      assert.deepEqual(rest, {
        project: "parity",
        stack: "staging",
        environment: "staging",
        region: "us-east-1",
        accountId: "210987654321",
        domain: "staging.app.example.com",
        productionDomain: "app.example.com",
        zoneName: "staging.app.example.com",
        baseUrl: "https://staging.app.example.com",
        network: { cidr: "10.30.0.0/16", natGateways: 2 },
        database: {
          instanceClass: "db.t4g.micro",
          allocatedStorageGb: 20,
          maxAllocatedStorageGb: 50,
          backupRetentionDays: 3,
          multiAz: true,
          resetToken: "2026-11-01",
        },
        protectData: false,
        app: {
          image: "210987654321.dkr.ecr.us-east-1.amazonaws.com/app:1.4.2",
          web: { desiredCount: 2, cpu: 256, memoryMb: 512 },
          worker: { desiredCount: 3, concurrency: 4, cpu: 256, memoryMb: 512 },
          logRetentionDays: 14,
        },
        storage: { maxUploadMb: 25, noncurrentVersionDays: 7 },
        queues: ["jobs", "mail"],
        scheduleTimezone: "UTC",
        http: { cookieSameSite: "lax", hstsMaxAgeSeconds: 31536000 },
        seedAccounts: true,
      });
      assert.deepEqual(modes, { payments: "test", email: "capture", sms: "log" });
      assert.equal(await new Promise((resolve) => paymentsApiKey.apply(resolve)), "sk_test_51Hx");
    });

    it("asks for a missing payment key as a secret, from the dashboard of the stack's mode", () => {
      assert.deepEqual(keyProblems("staging", { ...staging, "parity:paymentsApiKey": undefined }), [
        {
          key: "parity:paymentsApiKey",
          value: undefined,
          problem: "the payment provider's API key for this stack is required.",
          fix: `${secretKey("staging", "<sk_test_...>")} (from the provider's test-mode dashboard)`,
        },
      ]);
      assert.deepEqual(keyProblems("production", { ...production, "parity:paymentsApiKey": undefined }), [
        {
          key: "parity:paymentsApiKey",
          value: undefined,
          problem: "the payment provider's API key for this stack is required.",
          fix: `${secretKey("production", "<sk_live_...>")} (from the provider's live dashboard)`,
        },
      ]);
    });

    it("hides a clear-text key's value and tells to set it as a secret and rotate it", () => {
      assert.deepEqual(keyProblems("staging", staging, ["parity:paymentsApiKey"]), [
        {
          key: "parity:paymentsApiKey",
          value: "(hidden)",
          problem: "it is stored in clear text in the stack file.",
          fix: `${secretKey("staging", "<key>")} and rotate the key, which is now in your history.`,
        },
      ]);
    });

    it("names a live key in staging by kind only, asking for a test key as a secret", () => {
      const live = "(a live key: sk_live_…)";
      assert.deepEqual(keyProblems("staging", { ...staging, "parity:paymentsApiKey": "sk_live_abcdef" }), [
        {
          key: "parity:paymentsApiKey",
          value: live,
          problem: "a staging stack holds only test-mode keys; a live key would charge real cards.",
          fix: `${secretKey("staging", "<sk_test_...>")}, then roll the live key in the provider's dashboard.`,
        },
        {
          key: "parity:paymentsApiKey",
          value: live,
          problem: "`paymentsMode` is `test` but the key is a live one.",
          fix: secretKey("staging", "<sk_test_...>"),
        },
      ]);
    });

    it("rejects a live key in production when paymentsMode is test", () => {
      assert.deepEqual(keyProblems("production", { ...production, "parity:paymentsMode": "test" }), [
        {
          key: "parity:paymentsApiKey",
          value: "(a live key: sk_live_…)",
          problem: "`paymentsMode` is `test` but the key is a live one.",
          fix: secretKey("production", "<sk_test_...>"),
        },
      ]);
    });

    it("knows a live key behind a pasted space or `Bearer ` prefix is still live", () => {
      for (const key of [" sk_live_abcdef", "Bearer rk_live_abcdef"]) {
        assert.match(
          keyProblems("staging", { ...staging, "parity:paymentsApiKey": key })[0]?.problem ?? "",
          /only test-mode keys/,
          JSON.stringify(key),
        );
      }
    });

    it("reads a whole number with spaces around it, as YAML may leave them", () => {
      assert.equal(parseSettings(raw("staging", { ...staging, "parity:natGateways": " 2 " })).network.natGateways, 2);
    });

    it("checks a structural number's range, not only that it equals the project default", () => {
      const err = problemsOf("staging", { ...staging, "parity:hstsMaxAgeSeconds": "60" });
      assert.deepEqual(
        err.problems.filter((p) => p.key === "parity:hstsMaxAgeSeconds").map((p) => [p.problem, p.fix]),
        [
          ["it must be between 300 and 63072000.", "pulumi config set --stack staging parity:hstsMaxAgeSeconds 300"],
          [
            "structural settings are the same in every stack: remove this line from Pulumi.staging.yaml.",
            "remove `parity:hstsMaxAgeSeconds` from Pulumi.staging.yaml; to change it for every stack, change its default in Pulumi.yaml (and `structuralDefaults` in config/settings.ts)",
          ],
        ],
      );
    });

    it("accepts each cookie SameSite mode (a stack file may not change it, but Pulumi.yaml may) and refuses another", () => {
      for (const mode of ["strict", "none"]) {
        const err = problemsOf("staging", { ...staging, "parity:cookieSameSite": mode });
        assert.deepEqual(
          err.problems.map((p) => p.problem),
          ["structural settings are the same in every stack: remove this line from Pulumi.staging.yaml."],
          mode,
        );
      }
      const bad = problemsOf("staging", { ...staging, "parity:cookieSameSite": "Lax" }).problems[0];
      assert.deepEqual(
        [bad.problem, bad.fix],
        ["it must be one of `lax`, `strict`, `none`.", "pulumi config set --stack staging parity:cookieSameSite lax"],
      );
    });

    it("compares a structural number or list by value: 30 is not the default 25, unparsable text is not the default list", () => {
      const upload = problemsOf("staging", { ...staging, "parity:maxUploadMb": "30" }).problems;
      assert.deepEqual(
        upload.map((p) => p.key),
        ["parity:maxUploadMb"],
      );
      assert.match(upload[0].problem, /^structural settings are the same in every stack/);
      const queues = problemsOf("staging", { ...staging, "parity:queues": "jobs, mail" }).problems;
      assert.deepEqual(
        queues.map((p) => p.problem),
        [
          "it must be a YAML list of queue names.",
          "structural settings are the same in every stack: remove this line from Pulumi.staging.yaml.",
        ],
      );
    });

    it("refuses a queue list that is not a list, is empty, or holds anything but names", () => {
      for (const value of ["{}", "[]", '[["jobs"]]', '["jobs", "Bad!"]', '["jobs", 7]']) {
        expectProblem(
          "staging",
          { ...staging, "parity:queues": value },
          "parity:queues",
          /non-empty list of lower-case names/,
        );
      }
    });

    it("accepts an image from a registry with a port, and one pinned by a full sha256 digest", () => {
      for (const image of [
        "registry.example.com:5000/team/app:1.4.2",
        `210987654321.dkr.ecr.us-east-1.amazonaws.com/app@sha256:${"ab12".repeat(16)}`,
      ]) {
        assert.equal(parseSettings(raw("staging", { ...staging, "parity:appImage": image })).app.image, image);
      }
    });

    it("refuses an image with no tag, an upper-case registry, or text after its tag", () => {
      for (const image of [
        "registry.example.com/app",
        "Registry.example.com/app:1.4.2",
        "registry.example.com/app:1.4.2 latest",
        "registry.example.com/app@sha256:ab12",
      ]) {
        expectProblem("staging", { ...staging, "parity:appImage": image }, "parity:appImage", /explicit tag or digest/);
      }
    });

    it("accepts an octet of 255 in the VPC CIDR", () => {
      assert.equal(
        parseSettings(raw("staging", { ...staging, "parity:vpcCidr": "10.255.0.0/16" })).network.cidr,
        "10.255.0.0/16",
      );
    });

    it("reports an unknown key holding a secret without its value", () => {
      const values: Record<string, string> = { ...staging, "parity:signingKeyy": "s3cr3t-value" };
      const config: RawConfig = {
        ...raw("staging", values),
        isSecret: (k) => k === "parity:paymentsApiKey" || k === "parity:signingKeyy",
        keys: () => Object.keys(values),
      };
      let err: unknown;
      try {
        parseSettings(config);
      } catch (e) {
        err = e;
      }
      assert.ok(err instanceof ConfigError, String(err));
      assert.deepEqual(
        err.problems.map((p) => [p.key, p.value]),
        [["parity:signingKeyy", "(secret, not shown)"]],
      );
      assert.ok(!err.message.includes("s3cr3t-value"), err.message);
    });

    it("suggests a known key only within max(2, a third of the typo's name) edits", () => {
      assert.equal(closestKey("parity:domian", ["parity:domain"]), "parity:domain", "2 edits, at the limit");
      assert.equal(
        closestKey("parity:webDesiredCt", ["parity:webDesiredCount"]),
        "parity:webDesiredCount",
        "3 edits in a 12-letter name",
      );
      // 3 edits in a 7-letter name: the limit counts the name after `parity:`, and every letter of it.
      assert.equal(closestKey("parity:domaxyz", ["parity:domain"]), undefined);
    });

    it("takes only UTC and Area/Location names as timezones, not abbreviations Intl also knows", () => {
      assert.deepEqual(["UTC", "Europe/Berlin", "EST", "GMT", "CET"].map(isIanaTimezone), [
        true,
        true,
        false,
        false,
        false,
      ]);
    });
  });
});
