import * as assert from "node:assert/strict";
import { Storage } from "../../components/storage";
import { Settings } from "../../config/settings";
import { json, named, ofType, parentType, renderStack, RenderedStack, isProtected, renderBothStacks } from "../mocks";

const build = (s: Settings) =>
  new Storage("uploads", {
    bucketName: `${s.project}-${s.environment}-uploads`,
    kmsKeyArn: `arn:aws:kms:${s.region}:${s.accountId}:key/data`,
    noncurrentVersionDays: s.storage.noncurrentVersionDays,
    corsOrigins: [s.baseUrl],
    maxUploadMb: s.storage.maxUploadMb,
    protectData: s.protectData,
    accessLogBucket: `${s.project}-${s.environment}-access-logs`,
  });

const buildLogs = (s: Settings) =>
  new Storage("access-logs", {
    bucketName: `${s.project}-${s.environment}-access-logs`,
    receivesAccessLogs: true,
    noncurrentVersionDays: s.storage.noncurrentVersionDays,
    expireObjectsAfterDays: 90,
    protectData: s.protectData,
  });

interface Statement {
  Effect: string;
  Principal: unknown;
  Action: string;
  Resource: string[];
  Condition: { Bool: Record<string, string> };
}

describe("components/storage", () => {
  const stacks = renderBothStacks(build);

  it("creates the same private-bucket controls in both stacks, parented to the component", () => {
    const types = (r: RenderedStack<Storage>) =>
      r.resources
        .filter((x) => x.custom)
        .map((x) => `${x.type} ${x.name}`)
        .sort();
    assert.deepEqual(types(stacks.staging), types(stacks.production));
    for (const r of [stacks.staging, stacks.production]) {
      const block = named(r.resources, "uploads-public-access").inputs;
      assert.deepEqual(
        [block.blockPublicAcls, block.blockPublicPolicy, block.ignorePublicAcls, block.restrictPublicBuckets],
        [true, true, true, true],
      );
      assert.deepEqual(named(r.resources, "uploads-versioning").inputs.versioningConfiguration, { status: "Enabled" });
      const sse = (
        named(r.resources, "uploads-encryption").inputs.rules as {
          applyServerSideEncryptionByDefault: { sseAlgorithm: string; kmsMasterKeyId: string };
        }[]
      )[0];
      assert.equal(sse.applyServerSideEncryptionByDefault.sseAlgorithm, "aws:kms");
      assert.equal(
        sse.applyServerSideEncryptionByDefault.kmsMasterKeyId,
        `arn:aws:kms:us-east-1:${r.settings.accountId}:key/data`,
      );
      assert.equal(named(r.resources, "uploads-bucket").inputs.forceDestroy ?? false, false);
      assert.ok(r.resources.filter((x) => x.custom).every((x) => parentType(x) === "parity:components:Storage"));
    }
  });

  it("denies every request that is not over TLS", () => {
    const policy = json<{ Statement: Statement[] }>(named(stacks.production.resources, "uploads-policy").inputs.policy);
    const deny = policy.Statement.find((s) => s.Effect === "Deny");
    assert.ok(deny, "no Deny statement");
    assert.equal(deny.Condition.Bool["aws:SecureTransport"], "false");
    assert.equal(deny.Action, "s3:*");
    assert.deepEqual(deny.Resource, [
      "arn:aws:s3:::parity-production-uploads",
      "arn:aws:s3:::parity-production-uploads/*",
    ]);
  });

  it("allows CORS only from the stack's own origin", () => {
    const rules = (r: RenderedStack<Storage>) =>
      named(r.resources, "uploads-cors").inputs.corsRules as { allowedOrigins: string[]; allowedMethods: string[] }[];
    assert.deepEqual(rules(stacks.staging)[0].allowedOrigins, ["https://staging.app.example.com"]);
    assert.deepEqual(rules(stacks.production)[0].allowedOrigins, ["https://app.example.com"]);
    assert.deepEqual(rules(stacks.staging)[0].allowedMethods, rules(stacks.production)[0].allowedMethods);
  });

  it("expires noncurrent versions after the stack's retention and surfaces the upload limit", () => {
    const days = (r: RenderedStack<Storage>) =>
      (
        named(r.resources, "uploads-lifecycle").inputs.rules as {
          noncurrentVersionExpiration: { noncurrentDays: number };
        }[]
      )[0].noncurrentVersionExpiration.noncurrentDays;
    assert.equal(days(stacks.staging), 7);
    assert.equal(days(stacks.production), 90);
    assert.equal(stacks.staging.built.maxUploadBytes, 25 * 1024 * 1024);
    assert.equal(stacks.staging.built.maxUploadBytes, stacks.production.built.maxUploadBytes);
  });

  it("protects the stacks.production bucket only", () => {
    const protect = (r: RenderedStack<Storage>) => isProtected(r.built.bucket);
    assert.equal(protect(stacks.production), true);
    assert.equal(protect(stacks.staging), false);
  });

  it("omits CORS for a bucket browsers never use and rejects a non-https origin", async () => {
    const outbox = await renderStack(
      "staging",
      (s) => new Storage("outbox", { bucketName: "o", kmsKeyArn: "k", protectData: s.protectData }),
    );
    assert.equal(ofType(outbox.resources, "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration").length, 0);
    await assert.rejects(
      renderStack(
        "staging",
        () => new Storage("bad", { bucketName: "b", kmsKeyArn: "k", corsOrigins: ["http://staging.app.example.com"] }),
      ),
      /must be an https origin/,
    );
  });
});

describe("components/storage: S3 server access logging (AWS FSBP S3.9)", () => {
  const data = renderBothStacks(build);
  const logs = renderBothStacks(buildLogs);

  it("logs every request to a data bucket into the stack's access-log bucket, under the bucket's own prefix", () => {
    for (const r of [data.staging, data.production]) {
      const logging = named(r.resources, "uploads-access-logging");
      assert.equal(logging.type, "aws:s3/bucketLogging:BucketLogging");
      assert.equal(logging.inputs.targetBucket, `parity-${r.settings.environment}-access-logs`);
      assert.equal(logging.inputs.targetPrefix, "uploads/");
      assert.equal(parentType(logging), "parity:components:Storage");
    }
  });

  it("keeps the log bucket as private as the data buckets, encrypted with S3-managed keys, and expires its logs", () => {
    for (const r of [logs.staging, logs.production]) {
      const block = named(r.resources, "access-logs-public-access").inputs;
      assert.deepEqual(
        [block.blockPublicAcls, block.blockPublicPolicy, block.ignorePublicAcls, block.restrictPublicBuckets],
        [true, true, true, true],
      );
      assert.deepEqual(named(r.resources, "access-logs-ownership").inputs.rule, {
        objectOwnership: "BucketOwnerEnforced",
      });
      // Log delivery cannot write into a bucket whose default encryption is a KMS key.
      const rules = named(r.resources, "access-logs-encryption").inputs.rules as {
        applyServerSideEncryptionByDefault: Record<string, unknown>;
      }[];
      assert.deepEqual(rules[0].applyServerSideEncryptionByDefault, { sseAlgorithm: "AES256" });
      const lifecycle = (
        named(r.resources, "access-logs-lifecycle").inputs.rules as { expiration?: { days: number } }[]
      )[0];
      assert.deepEqual(lifecycle.expiration, { days: 90 });
      assert.equal(
        ofType(r.resources, "aws:s3/bucketLogging:BucketLogging").length,
        0,
        "the log bucket does not log its own deliveries",
      );
    }
    assert.equal(isProtected(logs.production.built.bucket), true);
  });

  it("lets only S3's log delivery write, only objects, only for this account's buckets, and still only over TLS", () => {
    const policy = json<{
      Statement: (Statement & { Sid: string; Condition: Record<string, Record<string, string>> })[];
    }>(named(logs.production.resources, "access-logs-policy").inputs.policy);
    const deny = policy.Statement.find((s) => s.Effect === "Deny");
    assert.equal(deny?.Condition.Bool["aws:SecureTransport"], "false");
    const allow = policy.Statement.filter((s) => s.Effect === "Allow");
    assert.equal(allow.length, 1);
    assert.deepEqual(allow[0].Principal, { Service: "logging.s3.amazonaws.com" });
    assert.equal(allow[0].Action, "s3:PutObject");
    assert.equal(allow[0].Resource, "arn:aws:s3:::parity-production-access-logs/*");
    assert.deepEqual(allow[0].Condition, { StringEquals: { "aws:SourceAccount": logs.production.settings.accountId } });
  });

  it("refuses a log bucket with a KMS key or one that logs to itself, and a data bucket without a key", async () => {
    await assert.rejects(
      renderStack("staging", () => new Storage("l", { bucketName: "l", receivesAccessLogs: true, kmsKeyArn: "k" })),
      /`receivesAccessLogs` excludes `kmsKeyArn`/,
    );
    await assert.rejects(
      renderStack(
        "staging",
        () => new Storage("l", { bucketName: "l", receivesAccessLogs: true, accessLogBucket: "l" }),
      ),
      /must not log its own requests/,
    );
    await assert.rejects(
      renderStack("staging", () => new Storage("d", { bucketName: "d" })),
      /`kmsKeyArn` is required/,
    );
    await assert.rejects(
      renderStack(
        "staging",
        () => new Storage("l", { bucketName: "l", receivesAccessLogs: true, expireObjectsAfterDays: 0 }),
      ),
      /`expireObjectsAfterDays` must be a positive whole number, got 0/,
    );
  });
});
