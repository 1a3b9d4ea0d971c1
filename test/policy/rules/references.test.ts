import * as assert from "node:assert/strict";
import { PULUMI_UNKNOWN, SECRET_SIG } from "../../../policy/engine/flatten";
import { buildReferenceIndex, type ReferenceSource } from "../../../policy/engine/references";
import { resourceKey } from "../../../policy/engine/contract";
import type { StackSnapshot } from "../../../tools/simulator/snapshot";
import { bothSnapshots } from "../harness";

/**
 * References by provenance: a value the deploy generated for one of the stack's resources is
 * rewritten as `{ref:<resource>.<output>}`, wherever it appears; values the program declared, short
 * values and unknowns stay text. The sources are the real staging program's resources.
 */

describe("references (in process)", function () {
  this.timeout(120_000);
  let staging: StackSnapshot;
  /** A real resource's reference source, with its outputs overridden where a case needs it. */
  let source: (
    name: string,
    outputs?: Record<string, unknown>,
    declared?: Record<string, unknown> | null,
  ) => ReferenceSource;

  before(async () => {
    [staging] = await bothSnapshots();
    source = (name, outputs, declared) => {
      const r = staging.resources.find((x) => x.name === name && x.custom);
      assert.ok(r, name);
      return {
        key: resourceKey(r.urn),
        type: r.type,
        outputs: { ...r.outputs, ...outputs },
        ...(declared === null ? {} : { declared: declared ?? r.checkedInputs ?? r.inputs }),
      };
    };
  });

  it("rewrites a KMS key's ARN, whole or inside a longer string, by the key's logical name", () => {
    const key = source("data-key");
    const arn = String(key.outputs.arn);
    const index = buildReferenceIndex([key]);
    assert.equal(index.rewrite(arn), "{ref:data-key.arn}");
    assert.equal(index.rewrite(`${arn}:extra`), "{ref:data-key.arn}:extra");
    assert.deepEqual(index.rewrite({ a: [arn, 5, true, null], b: { c: `x ${arn}` } }), {
      a: ["{ref:data-key.arn}", 5, true, null],
      b: { c: "x {ref:data-key.arn}" },
    });
  });

  it("replaces the longest value first, so an ARN is not split at the key id inside it", () => {
    const key = source("data-key", { arn: "arn:aws:kms:us-east-1:1234:key/abcdef-123456", keyId: "abcdef-123456" });
    const index = buildReferenceIndex([key]);
    assert.equal(
      index.rewrite("use arn:aws:kms:us-east-1:1234:key/abcdef-123456 or abcdef-123456"),
      "use {ref:data-key.arn} or {ref:data-key.keyId}",
    );
  });

  it("replaces a value before a shorter one it starts with, whatever order the outputs come in", () => {
    const task = source("web-task", { id: "family-123456", arnWithoutRevision: "family-123456:7" });
    assert.equal(
      buildReferenceIndex([task]).rewrite("use family-123456:7 here"),
      "use {ref:web-task.arnWithoutRevision} here",
    );
    assert.equal(buildReferenceIndex([task]).rewrite("use family-123456 here"), "use {ref:web-task.id} here");
  });

  it("indexes a value of exactly six characters, never an unknown one, even inside a longer text", () => {
    const index = buildReferenceIndex([source("data-key", { arn: "abcdef", keyId: PULUMI_UNKNOWN })]);
    assert.equal(index.rewrite("abcdef"), "{ref:data-key.arn}");
    assert.equal(index.rewrite(`prefix ${PULUMI_UNKNOWN}`), `prefix ${PULUMI_UNKNOWN}`);
  });

  it("without a declaration, still takes an ARN equal to a plain output as generated (only an id is doubted)", () => {
    const q = source("jobs-jobs", { arn: "arn:aws:sqs:queue-plain", description: "arn:aws:sqs:queue-plain" }, null);
    assert.equal(buildReferenceIndex([q]).rewrite("arn:aws:sqs:queue-plain"), "{ref:jobs-jobs.arn}");
  });

  it("prefers the better output over the smaller key, in either order", () => {
    const a = source("data-key", { keyId: "shared-value-4" });
    const b = source("logs-key", { id: "shared-value-4" });
    assert.ok(a.key < b.key);
    assert.equal(buildReferenceIndex([a, b]).rewrite("shared-value-4"), "{ref:logs-key.id}");
    assert.equal(buildReferenceIndex([b, a]).rewrite("shared-value-4"), "{ref:logs-key.id}");
  });

  it("leaves short values, unknowns and secrets alone", () => {
    const index = buildReferenceIndex([source("data-key", { arn: "abcde", keyId: PULUMI_UNKNOWN, id: "key-123456" })]);
    assert.equal(index.rewrite("abcde"), "abcde");
    assert.equal(index.rewrite(PULUMI_UNKNOWN), PULUMI_UNKNOWN);
    assert.equal(index.rewrite("a key-123456"), "a {ref:data-key.id}");
    assert.equal(index.rewrite("ke"), "ke");
    const secret = { [SECRET_SIG]: "1b47061264138c4ac30d75fd1eb44270", value: "key-123456" };
    assert.equal(index.rewrite(secret), secret);
  });

  it("never indexes a provider, and rewrites nothing when nothing is indexed", () => {
    const provider = staging.resources.find((r) => r.type === "pulumi:providers:aws");
    assert.ok(provider);
    const index = buildReferenceIndex([
      { key: resourceKey(provider.urn), type: provider.type, outputs: { ...provider.outputs, id: "provider-id-123" } },
    ]);
    assert.equal(index.rewrite("provider-id-123"), "provider-id-123");
    assert.equal(index.rewrite("a longer text"), "a longer text");
  });

  it("takes a name output as a reference only when the declaration is known and does not set it", () => {
    const queue = source("jobs-jobs", { name: "jobs-jobs-a1b2c3d" }, {});
    assert.equal(buildReferenceIndex([queue]).rewrite("jobs-jobs-a1b2c3d"), "{ref:jobs-jobs.name}");
    const declaredName = source("jobs-jobs", { name: "jobs-jobs-a1b2c3d" }, { name: "jobs-jobs-a1b2c3d" });
    assert.equal(buildReferenceIndex([declaredName]).rewrite("jobs-jobs-a1b2c3d"), "jobs-jobs-a1b2c3d");
    const outputsOnly = source("jobs-jobs", { name: "jobs-jobs-a1b2c3d", id: "q-1", arn: "q-2", url: "q-3" }, null);
    assert.equal(buildReferenceIndex([outputsOnly]).rewrite("jobs-jobs-a1b2c3d"), "jobs-jobs-a1b2c3d");
  });

  it("does not take a declared value for a generated one, nor (without a declaration) an id equal to a plain output", () => {
    const declared = source("data-key", { arn: "arn:declared:by-hand" }, { description: "arn:declared:by-hand" });
    assert.equal(buildReferenceIndex([declared]).rewrite("arn:declared:by-hand"), "arn:declared:by-hand");
    const named = source("jobs-jobs", { id: "jobs-jobs-plain", name: "jobs-jobs-plain" }, null);
    assert.equal(buildReferenceIndex([named]).rewrite("jobs-jobs-plain"), "jobs-jobs-plain");
    const generated = source("jobs-jobs", { id: "jobs-jobs-generated", name: "other-name" }, null);
    assert.equal(buildReferenceIndex([generated]).rewrite("jobs-jobs-generated"), "{ref:jobs-jobs.id}");
  });

  it("gives a value two outputs hold to the preferred output, and two resources' to the first key", () => {
    const both = source("data-key", { arn: "shared-value-1", id: "shared-value-1" });
    assert.equal(buildReferenceIndex([both]).rewrite("shared-value-1"), "{ref:data-key.arn}");
    const a = source("data-key", { arn: "shared-value-2" });
    const b = source("logs-key", { arn: "shared-value-2" });
    assert.ok(a.key < b.key);
    assert.equal(buildReferenceIndex([a, b]).rewrite("shared-value-2"), "{ref:data-key.arn}");
    assert.equal(buildReferenceIndex([b, a]).rewrite("shared-value-2"), "{ref:data-key.arn}");
    const byId = source("logs-key", { id: "shared-value-3" });
    const byArn = source("data-key", { arn: "shared-value-3" });
    assert.equal(buildReferenceIndex([byId, byArn]).rewrite("shared-value-3"), "{ref:data-key.arn}");
    assert.equal(buildReferenceIndex([byArn, byId]).rewrite("shared-value-3"), "{ref:data-key.arn}");
  });

  it("names a resource by its whole key where two resources share its logical name", () => {
    const routes = staging.resources.filter((r) => r.name === "network-private-0-routes");
    assert.equal(routes.length, 2);
    const sources = routes.map((r, i) => ({
      key: resourceKey(r.urn),
      type: r.type,
      outputs: { ...r.outputs, id: `route-id-${i}00000` },
      declared: r.inputs,
    }));
    const index = buildReferenceIndex(sources);
    assert.equal(index.rewrite("route-id-000000"), `{ref:${sources[0].key}.id}`);
    assert.equal(index.rewrite("route-id-100000"), `{ref:${sources[1].key}.id}`);
    const single = buildReferenceIndex([sources[0]]);
    assert.equal(single.rewrite("route-id-000000"), "{ref:network-private-0-routes.id}");
  });
});
