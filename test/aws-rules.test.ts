import * as assert from "node:assert/strict";
import {
  accountBucketName,
  bucketNameProblems,
  engineVersionProblem,
  FARGATE_CPU_UNITS,
  fargateMemoryOptions,
  fargateSizeProblem,
  minimumStorageCeilingGb,
  storageCeilingProblem,
} from "../config/aws-rules";
import { ConfigError, ConfigProblem } from "../config/settings";
import { loadStackSettings } from "./mocks";

/**
 * The AWS limits in config/aws-rules.ts, each against the table or sentence of its source (cited in
 * that file), and config validation's use of them: every message names the stack, key and value, and
 * its fix is itself accepted.
 */

function problemsOf(stack: string, overrides: Record<string, string | undefined>): ConfigProblem[] {
  try {
    loadStackSettings(stack, overrides);
  } catch (e) {
    if (e instanceof ConfigError) return [...e.problems];
    throw e;
  }
  return [];
}

/** The `pulumi config set` commands of a fix, as config overrides. */
function fixOverrides(fix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of fix.matchAll(/pulumi config set --stack \S+ (\S+) (\S+)/g)) out[m[1]] = m[2].replace(/^"|"$/g, "");
  assert.ok(Object.keys(out).length > 0, `fix has no config command: ${fix}`);
  return out;
}

describe("AWS rules (config/aws-rules.ts)", () => {
  describe("Fargate task sizes (ECS developer guide, task CPU and memory)", () => {
    it("accepts exactly the documented memory for each CPU size", () => {
      const range = (min: number, max: number, step: number) =>
        Array.from({ length: (max - min) / step + 1 }, (_, i) => min + i * step);
      assert.deepEqual(FARGATE_CPU_UNITS, [256, 512, 1024, 2048, 4096, 8192, 16384]);
      assert.deepEqual(fargateMemoryOptions(256), [512, 1024, 2048]);
      assert.deepEqual(fargateMemoryOptions(512), range(1024, 4096, 1024));
      assert.deepEqual(fargateMemoryOptions(1024), range(2048, 8192, 1024));
      assert.deepEqual(fargateMemoryOptions(2048), range(4096, 16384, 1024));
      assert.deepEqual(fargateMemoryOptions(4096), range(8192, 30720, 1024));
      assert.deepEqual(fargateMemoryOptions(8192), range(16384, 61440, 4096));
      assert.deepEqual(fargateMemoryOptions(16384), range(32768, 122880, 8192));
      assert.deepEqual(fargateMemoryOptions(768), []);
    });

    it("refuses a size between the steps and a CPU Fargate does not have, proposing a valid size", () => {
      assert.equal(fargateSizeProblem(1024, 4096), undefined);
      for (const [cpu, memory] of [
        [256, 1536],
        [1024, 2560],
        [1024, 9216],
        [4096, 8704],
        [8192, 18432],
        [768, 2048],
        [32768, 65536],
      ]) {
        const bad = fargateSizeProblem(cpu, memory);
        assert.ok(bad, `${cpu}/${memory} should be refused`);
        assert.ok(
          fargateMemoryOptions(bad.cpu).includes(bad.memoryMb),
          `proposed ${bad.cpu}/${bad.memoryMb} is not valid`,
        );
      }
    });

    it("proposes the memory nearest the one asked for, and a CPU that takes the memory when one does", () => {
      assert.equal(fargateSizeProblem(1024, 2600)?.memoryMb, 3072);
      assert.equal(fargateSizeProblem(1024, 2500)?.memoryMb, 2048);
      // 768 is no CPU size; 1024 takes 8192 MiB, so only the CPU changes.
      assert.deepEqual(fargateSizeProblem(768, 8192), {
        cpuInvalid: true,
        accepted: "256, 512, 1024, 2048, 4096, 8192 or 16384 CPU units",
        cpu: 1024,
        memoryMb: 8192,
      });
      // No CPU size takes 5000 MiB: the nearest CPU (512; 1024 is as near, and the smaller, cheaper one wins) and its nearest memory.
      assert.deepEqual(fargateSizeProblem(768, 5000), {
        cpuInvalid: true,
        accepted: "256, 512, 1024, 2048, 4096, 8192 or 16384 CPU units",
        cpu: 512,
        memoryMb: 4096,
      });
    });

    it("rejects a web and a worker size between the steps, naming stack, key and value, with a fix that validates", () => {
      for (const [key, cpuKey, cpu, memory] of [
        ["parity:webMemoryMb", "parity:webCpu", "1024", "2560"],
        ["parity:workerMemoryMb", "parity:workerCpu", "2048", "4608"],
      ]) {
        const overrides = { [cpuKey]: cpu, [key]: memory };
        const problems = problemsOf("production", overrides);
        assert.equal(problems.length, 1, JSON.stringify(problems));
        const [p] = problems;
        assert.equal(p.key, key);
        assert.equal(p.value, memory);
        assert.match(p.problem, new RegExp(`MiB for ${cpu} CPU units .*in steps of 1024 MiB`));
        assert.match(p.fix, /^pulumi config set --stack production /);
        assert.deepEqual(problemsOf("production", { ...overrides, ...fixOverrides(p.fix) }), []);
      }
    });

    it("accepts the 8 and 16 vCPU sizes", () => {
      assert.deepEqual(
        problemsOf("production", {
          "parity:webCpu": "8192",
          "parity:webMemoryMb": "16384",
          "parity:workerCpu": "16384",
          "parity:workerMemoryMb": "122880",
        }),
        [],
      );
    });

    it("rejects a CPU Fargate does not have with a fix that keeps the memory when it can", () => {
      const [p] = problemsOf("staging", { "parity:webCpu": "768", "parity:webMemoryMb": "3072" });
      assert.equal(p.key, "parity:webCpu");
      assert.match(p.problem, /256, 512, 1024, 2048, 4096, 8192 or 16384 CPU units/);
      assert.equal(p.fix, "pulumi config set --stack staging parity:webCpu 512");
      assert.deepEqual(
        problemsOf("staging", { "parity:webCpu": "768", "parity:webMemoryMb": "3072", ...fixOverrides(p.fix) }),
        [],
      );
    });
  });

  describe("RDS storage autoscaling ceiling (at least 10% above the allocated storage, or 0)", () => {
    it("states the rule", () => {
      assert.equal(minimumStorageCeilingGb(20), 22);
      assert.equal(minimumStorageCeilingGb(100), 110);
      assert.equal(minimumStorageCeilingGb(25), 28);
      assert.equal(storageCeilingProblem(100, 110), undefined);
      assert.equal(storageCeilingProblem(100, 0), undefined, "0 turns autoscaling off");
      assert.match(String(storageCeilingProblem(100, 105)), /at least 110/);
      assert.match(String(storageCeilingProblem(100, 100)), /at least 110/);
    });

    it("rejects a ceiling equal to the allocated storage (which AWS refuses), with a fix that validates", () => {
      const problems = problemsOf("production", { "parity:dbMaxAllocatedStorageGb": "100" });
      assert.equal(problems.length, 1, JSON.stringify(problems));
      const [p] = problems;
      assert.equal(p.key, "parity:dbMaxAllocatedStorageGb");
      assert.equal(p.value, "100");
      assert.match(p.problem, /10% above `dbAllocatedStorageGb` \(100 GiB\)/);
      assert.equal(p.fix, "pulumi config set --stack production parity:dbMaxAllocatedStorageGb 110");
      assert.deepEqual(problemsOf("production", fixOverrides(p.fix)), []);
    });

    it("accepts 0, which turns storage autoscaling off", () => {
      assert.equal(
        loadStackSettings("staging", { "parity:dbMaxAllocatedStorageGb": "0" }).database.maxAllocatedStorageGb,
        0,
      );
    });
  });

  describe("S3 bucket names (S3 user guide, general purpose bucket naming rules)", () => {
    it("accepts a valid name and names each broken rule", () => {
      assert.deepEqual(bucketNameProblems("parity-production-uploads-123456789012"), []);
      const cases: [string, RegExp][] = [
        ["ab", /3–63/],
        ["a".repeat(64), /3–63/],
        ["Parity-uploads", /lower-case/],
        ["parity_uploads", /lower-case/],
        ["-parity", /begin and end/],
        ["parity.", /begin and end/],
        ["parity..uploads", /adjacent dots/],
        ["192.168.5.4", /IP address/],
        ["xn--parity", /xn--/],
        ["sthree-parity", /sthree-/],
        ["amzn-s3-demo-parity", /amzn-s3-demo-/],
        ["parity-s3alias", /-s3alias/],
        ["parity--ol-s3", /--ol-s3/],
        ["parity.mrap", /\.mrap/],
        ["parity--x-s3", /--x-s3/],
      ];
      for (const [name, rule] of cases) assert.match(bucketNameProblems(name).join("; "), rule, name);
    });

    it("accepts names of exactly 3 and 63 characters, and dotted names that only contain an IP address", () => {
      for (const name of ["abc", "a".repeat(63), "192.168.5.4.uploads", "uploads.192.168.5.4"])
        assert.deepEqual(bucketNameProblems(name), [], name);
    });

    it("names every rule a refused account bucket name breaks", () => {
      assert.throws(() => accountBucketName("-Parity", "uploads", "210987654321"), {
        message:
          "bucket name `-Parity-uploads-210987654321` has characters other than lower-case letters, digits, dots and hyphens; does not begin and end with a letter or digit: shorten `-Parity` or the role `uploads`",
      });
    });

    it("makes names the account's own and refuses one that breaks a rule", () => {
      assert.equal(
        accountBucketName("parity-staging", "email-outbox", "210987654321"),
        "parity-staging-email-outbox-210987654321",
      );
      assert.throws(
        () => accountBucketName("parity-a-very-long-project-name-for-staging", "email-outbox", "210987654321"),
        /is 69 characters long/,
      );
    });
  });

  describe("DNS: a public domain is delegated to one zone, so each stack has its own", () => {
    it("rejects a staging stack on production's zone, with its own zone as the fix", () => {
      const problems = problemsOf("staging", { "parity:zoneName": "example.com" });
      assert.equal(problems.length, 1, JSON.stringify(problems));
      const [p] = problems;
      assert.equal(p.key, "parity:zoneName");
      assert.equal(p.value, "example.com");
      assert.match(p.problem, /holds production's domain \(app\.example\.com\), so it is production's zone/);
      assert.equal(p.fix, "pulumi config set --stack staging parity:zoneName staging.app.example.com");
      assert.deepEqual(problemsOf("staging", fixOverrides(p.fix)), []);
    });

    it("rejects a zone that does not hold the domain, and gives staging its delegated zone", () => {
      assert.match(
        problemsOf("staging", { "parity:zoneName": "staging.example.org" })[0].problem,
        /must contain `domain` \(staging\.app\.example\.com\)/,
      );
      assert.equal(loadStackSettings("staging").zoneName, "staging.app.example.com");
      assert.equal(loadStackSettings("production").zoneName, "example.com");
    });
  });

  describe("RDS engine version (provider: a version prefix needs autoMinorVersionUpgrade)", () => {
    it("accepts a major pin with automatic minor upgrades, and a minor pin without", () => {
      assert.equal(engineVersionProblem("16", true), undefined);
      assert.equal(engineVersionProblem("16.11", false), undefined);
    });

    it("rejects a major pin without automatic minor upgrades, and a minor pin that RDS would upgrade away from", () => {
      assert.match(String(engineVersionProblem("16", false)), /prefix only with `autoMinorVersionUpgrade: true`/);
      assert.match(
        String(engineVersionProblem("16.6", true)),
        /every later update plans to go back\. Pin the major only \(`"16"`\)$/,
      );
    });
  });
});
