import * as assert from "node:assert/strict";
import { rootStackUrn, stackDiagnosticUrn, stackDiagnosticUrns } from "../tools/simulator/analyzer";
import type { CollectedResource, StackSnapshot } from "../tools/simulator/snapshot";
import { collectedResource } from "./support/collected-resource";

/** Which resource an AnalyzeStack diagnostic is reported on, by the per-response index the CLI uses. */

function resource(urn: string, type: string): CollectedResource {
  return collectedResource(urn, type);
}

const provider = resource("urn:pulumi:s::p::pulumi:providers:aws::aws", "pulumi:providers:aws");
const bucket = resource("urn:pulumi:s::p::aws:s3/bucket:Bucket::b", "aws:s3/bucket:Bucket");
const snapshot: StackSnapshot = { project: "p", stack: "s", config: {}, resources: [provider, bucket], outputs: {} };
const withoutProviders = (r: CollectedResource) => !r.type.startsWith("pulumi:providers:");

describe("AnalyzeStack diagnostics: the resource they are reported on", () => {
  it("keeps a URN that names a sent resource, in both modes", () => {
    for (const state of [true, false]) assert.equal(stackDiagnosticUrns(snapshot, state)(bucket.urn), bucket.urn);
  });

  it("reports an unknown or empty URN on the first sent resource in state mode and on the root stack in a preview", () => {
    assert.equal(stackDiagnosticUrns(snapshot, true)("urn:elsewhere"), provider.urn);
    assert.equal(stackDiagnosticUrns(snapshot, true, withoutProviders)(""), bucket.urn);
    assert.equal(stackDiagnosticUrns(snapshot, false)("urn:elsewhere"), rootStackUrn(snapshot));
  });

  it("does not keep the URN of a resource left out of the request", () => {
    assert.equal(stackDiagnosticUrns(snapshot, false, withoutProviders)(provider.urn), rootStackUrn(snapshot));
    assert.equal(stackDiagnosticUrn(provider.urn, snapshot, true, withoutProviders), bucket.urn);
  });

  it("has no fallback in state mode when nothing was sent", () => {
    assert.equal(stackDiagnosticUrns(snapshot, true, () => false)("urn:elsewhere"), undefined);
  });
});
