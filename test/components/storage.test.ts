import * as assert from "node:assert/strict";
import { Storage } from "../../components/storage";
import { Settings } from "../../config/settings";
import { json, named, ofType, parentType, renderStack, RenderedStack } from "../mocks";

const build = (s: Settings) =>
  new Storage("uploads", {
    bucketName: `${s.project}-${s.environment}-uploads`,
    kmsKeyArn: `arn:aws:kms:${s.region}:${s.accountId}:key/data`,
    noncurrentVersionDays: s.storage.noncurrentVersionDays,
    corsOrigins: [s.baseUrl],
    maxUploadMb: s.storage.maxUploadMb,
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
  let staging: RenderedStack<Storage>;
  let production: RenderedStack<Storage>;
  before(async () => {
    staging = await renderStack("staging", build);
    production = await renderStack("production", build);
  });

  it("creates the same private-bucket controls in both stacks, parented to the component", () => {
    const types = (r: RenderedStack<Storage>) => r.resources.filter((x) => x.custom).map((x) => `${x.type} ${x.name}`).sort();
    assert.deepEqual(types(staging), types(production));
    for (const r of [staging, production]) {
      const block = named(r.resources, "uploads-public-access").inputs;
      assert.deepEqual([block.blockPublicAcls, block.blockPublicPolicy, block.ignorePublicAcls, block.restrictPublicBuckets], [true, true, true, true]);
      assert.deepEqual(named(r.resources, "uploads-versioning").inputs.versioningConfiguration, { status: "Enabled" });
      const sse = (named(r.resources, "uploads-encryption").inputs.rules as { applyServerSideEncryptionByDefault: { sseAlgorithm: string; kmsMasterKeyId: string } }[])[0];
      assert.equal(sse.applyServerSideEncryptionByDefault.sseAlgorithm, "aws:kms");
      assert.equal(sse.applyServerSideEncryptionByDefault.kmsMasterKeyId, `arn:aws:kms:us-east-1:${r.settings.accountId}:key/data`);
      assert.equal(named(r.resources, "uploads-bucket").inputs.forceDestroy ?? false, false);
      assert.ok(r.resources.filter((x) => x.custom).every((x) => parentType(x) === "parity:components:Storage"));
    }
  });

  it("denies every request that is not over TLS", () => {
    const policy = json<{ Statement: Statement[] }>(named(production.resources, "uploads-policy").inputs.policy);
    const deny = policy.Statement.find((s) => s.Effect === "Deny");
    assert.ok(deny, "no Deny statement");
    assert.equal(deny.Condition.Bool["aws:SecureTransport"], "false");
    assert.equal(deny.Action, "s3:*");
    assert.deepEqual(deny.Resource, ["arn:aws:s3:::parity-production-uploads", "arn:aws:s3:::parity-production-uploads/*"]);
  });

  it("allows CORS only from the stack's own origin", () => {
    const rules = (r: RenderedStack<Storage>) => named(r.resources, "uploads-cors").inputs.corsRules as { allowedOrigins: string[]; allowedMethods: string[] }[];
    assert.deepEqual(rules(staging)[0].allowedOrigins, ["https://staging.app.example.com"]);
    assert.deepEqual(rules(production)[0].allowedOrigins, ["https://app.example.com"]);
    assert.deepEqual(rules(staging)[0].allowedMethods, rules(production)[0].allowedMethods);
  });

  it("expires noncurrent versions after the stack's retention and surfaces the upload limit", () => {
    const days = (r: RenderedStack<Storage>) => (named(r.resources, "uploads-lifecycle").inputs.rules as { noncurrentVersionExpiration: { noncurrentDays: number } }[])[0].noncurrentVersionExpiration.noncurrentDays;
    assert.equal(days(staging), 7);
    assert.equal(days(production), 90);
    assert.equal(staging.built.maxUploadBytes, 25 * 1024 * 1024);
    assert.equal(staging.built.maxUploadBytes, production.built.maxUploadBytes);
  });

  it("protects the production bucket only", () => {
    const protect = (r: RenderedStack<Storage>) => (r.built.bucket as unknown as { __protect?: boolean }).__protect;
    assert.equal(protect(production), true);
    assert.equal(protect(staging), false);
  });

  it("omits CORS for a bucket browsers never use and rejects a non-https origin", async () => {
    const outbox = await renderStack("staging", (s) => new Storage("outbox", { bucketName: "o", kmsKeyArn: "k", protectData: s.protectData }));
    assert.equal(ofType(outbox.resources, "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration").length, 0);
    await assert.rejects(renderStack("staging", () => new Storage("bad", { bucketName: "b", kmsKeyArn: "k", corsOrigins: ["http://staging.app.example.com"] })), /must be an https origin/);
  });
});
