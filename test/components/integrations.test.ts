import * as assert from "node:assert/strict";
import { Integrations } from "../../components/integrations";
import { accountBucketName } from "../../config/aws-rules";
import { Settings } from "../../config/settings";
import { named, ofType, parentType, promiseOf, renderStack, RenderedStack, renderBothStacks } from "../mocks";

const build = (s: Settings) =>
  new Integrations("integrations", {
    namePrefix: `${s.project}-${s.environment}`,
    domain: s.domain,
    zoneId: "Z0TESTZONE",
    kmsKeyArn: `arn:aws:kms:${s.region}:${s.accountId}:key/data`,
    paymentsMode: s.integrations.payments,
    emailMode: s.integrations.email,
    smsMode: s.integrations.sms,
    paymentsApiKey: s.integrations.paymentsApiKey,
    outboxBucketName: accountBucketName(`${s.project}-${s.environment}`, "email-outbox", s.accountId),
    outboxNoncurrentVersionDays: s.storage.noncurrentVersionDays,
    protectData: s.protectData,
  });

describe("components/integrations", () => {
  const stacks = renderBothStacks(build);

  it("creates the same integration resources in both stacks, the outbox included", () => {
    const shape = (r: RenderedStack<Integrations>) => r.resources.map((x) => `${x.type} ${x.name}`).sort();
    assert.deepEqual(shape(stacks.staging), shape(stacks.production));
    assert.equal(
      named(stacks.production.resources, "integrations-outbox-bucket").inputs.bucket,
      "parity-production-email-outbox-123456789012",
    );
    assert.equal(
      named(stacks.staging.resources, "integrations-outbox-bucket").inputs.bucket,
      "parity-staging-email-outbox-210987654321",
    );
    for (const r of [stacks.staging, stacks.production]) {
      const custom = r.resources.filter((x) => x.custom && !x.name.startsWith("integrations-outbox-"));
      assert.ok(custom.every((x) => parentType(x) === "parity:components:Integrations"));
    }
  });

  it("makes simulated state visible in tags and in the simulated list", () => {
    assert.equal(stacks.staging.built.simulated, "email,payments,sms");
    assert.equal(stacks.production.built.simulated, "");
    const tags = (r: RenderedStack<Integrations>, name: string) =>
      named(r.resources, name).inputs.tags as Record<string, string>;
    assert.deepEqual(tags(stacks.staging, "integrations-payments-key"), {
      "parity:integration": "payments",
      "parity:mode": "test",
      "parity:simulated": "true",
    });
    assert.deepEqual(tags(stacks.production, "integrations-payments-key"), {
      "parity:integration": "payments",
      "parity:mode": "live",
      "parity:simulated": "false",
    });
    assert.equal(tags(stacks.staging, "integrations-email-identity")["parity:mode"], "capture");
  });

  it("stores each stack's payment key and its own signing key as secrets, encrypted with the stack's key", async () => {
    const stored = named(stacks.staging.resources, "integrations-payments-key-value");
    assert.equal(stored.inputs.secretString, "sk_test_offline_staging");
    assert.ok(stored.secretInputs.includes("secretString"));
    assert.equal(
      named(stacks.staging.resources, "integrations-payments-key").inputs.kmsKeyId,
      "arn:aws:kms:us-east-1:210987654321:key/data",
    );
    assert.deepEqual(named(stacks.staging.resources, "integrations-signing-key").inputs.algorithm, "ECDSA");
    const keys = await Promise.all(
      [stacks.staging, stacks.production].map((r) => promiseOf(r.built.signingPublicKeyPem)),
    );
    assert.notEqual(keys[0], keys[1]);
    const pem = named(stacks.production.resources, "integrations-signing-value").inputs.secretString;
    assert.match(
      String(pem),
      /BEGIN (EC )?PRIVATE KEY/,
      "tls's privateKeyPem of an ECDSA key is SEC1 (`EC PRIVATE KEY`)",
    );
    assert.ok(named(stacks.production.resources, "integrations-signing-value").secretInputs.includes("secretString"));
  });

  it("verifies the stack's own domain with SES and publishes its three DKIM records", () => {
    for (const r of [stacks.staging, stacks.production]) {
      assert.equal(named(r.resources, "integrations-email-identity").inputs.emailIdentity, r.settings.domain);
      const dkim = ofType(r.resources, "aws:route53/record:Record");
      assert.equal(dkim.length, 3);
      for (const record of dkim) {
        assert.equal(record.inputs.type, "CNAME");
        assert.match(
          String(record.inputs.name),
          new RegExp(`^[a-z0-9]{32}\\._domainkey\\.${r.settings.domain.replace(/\./g, "\\.")}$`),
        );
        assert.match((record.inputs.records as string[])[0], /\.dkim\.amazonses\.com$/);
      }
      assert.equal(r.built.emailFrom, `no-reply@${r.settings.domain}`);
    }
  });

  it("rejects an unknown mode", async () => {
    await assert.rejects(
      renderStack(
        "staging",
        (s) =>
          new Integrations("bad", {
            namePrefix: "p",
            domain: s.domain,
            zoneId: "z",
            kmsKeyArn: "k",
            paymentsMode: "sandbox",
            emailMode: "capture",
            smsMode: "log",
            paymentsApiKey: "x",
            outboxBucketName: "p-outbox",
          }),
      ),
      /`paymentsMode` must be one of live, test, got "sandbox"/,
    );
  });
});
