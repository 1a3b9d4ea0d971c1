import * as assert from "node:assert/strict";
import type { StackSnapshot } from "../../../tools/simulator/snapshot";
import { bothSnapshots, mutate } from "../harness";
import { retyped, without, withoutDependencies } from "../snapshot-edits";
import { expectFacts, rejected, SHAPES } from "./reported";

/**
 * policy/access-logging.ts in process: every bucket but the access-log bucket has server access
 * logging (AWS FSBP S3.9), found by the BucketLogging that names it by dependency or by name.
 */

const POLICY = "s3-access-logging";
const NO_LOGGING =
  /has no server access logging: requests to it \(who read, wrote or deleted which object\) leave no record\./;

describe("s3-access-logging (in process)", function () {
  this.timeout(120_000);
  let staging: StackSnapshot;
  let production: StackSnapshot;

  before(async () => {
    [staging, production] = await bothSnapshots();
  });

  for (const shape of SHAPES) {
    it(`passes the real stacks, and rejects a data bucket without logging (${shape.name})`, async () => {
      for (const s of [staging, production]) assert.deepEqual(await shape.run(s, POLICY), [], s.stack);
      const v = await shape.run(without(staging, "integrations-outbox-access-logging"), POLICY);
      expectFacts(v, [
        [
          "integrations-outbox-bucket",
          /^`integrations-outbox-bucket` \(aws:s3\/bucket:Bucket\) has no server access logging/,
        ],
      ]);
      assert.match(v[0].urn ?? "", /::integrations-outbox-bucket$/);
    });
  }

  it("exempts the access-log bucket only while it is another bucket's logging target", async () => {
    const none = without(staging, "uploads-access-logging", "integrations-outbox-access-logging");
    expectFacts(await rejected(none, POLICY), [
      ["access-logs-bucket", NO_LOGGING],
      ["uploads-bucket", NO_LOGGING],
      ["integrations-outbox-bucket", NO_LOGGING],
    ]);
  });

  it("finds the logging by dependency, or by the bucket names deployed state carries", async () => {
    let s = withoutDependencies(
      withoutDependencies(staging, "uploads-access-logging"),
      "integrations-outbox-access-logging",
    );
    assert.deepEqual(await rejected(s, POLICY), []);
    // Named by neither, the bucket is not logged and the access-log bucket is no target.
    s = mutate(
      s,
      "uploads-access-logging",
      (p) => void ((p.bucket = "parity-staging-other-210987654321"), (p.targetBucket = "parity-staging-other-logs")),
    );
    s = mutate(s, "integrations-outbox-access-logging", (p) => void (p.targetBucket = undefined));
    expectFacts(await rejected(s, POLICY), [
      ["access-logs-bucket", NO_LOGGING],
      ["uploads-bucket", NO_LOGGING],
    ]);
    // By dependency alone, whatever names the values carry.
    const byDependency = mutate(
      staging,
      "uploads-access-logging",
      (p) => void ((p.bucket = "renamed"), (p.targetBucket = "renamed-logs")),
    );
    assert.deepEqual(await rejected(byDependency, POLICY), []);
  });

  it("holds a BucketV2 to logging too", async () => {
    const v2 = retyped(without(staging, "uploads-access-logging"), "uploads-bucket", "aws:s3/bucketV2:BucketV2");
    expectFacts(await rejected(v2, POLICY), [
      ["uploads-bucket", /^`uploads-bucket` \(aws:s3\/bucketV2:BucketV2\) has no server access logging/],
    ]);
  });

  it("does not take an unnamed bucket for the one a logging names", async () => {
    const unnamed = mutate(
      withoutDependencies(staging, "uploads-access-logging"),
      "uploads-bucket",
      (p) => void delete p.bucket,
    );
    expectFacts(
      await rejected(
        mutate(unnamed, "uploads-access-logging", (p) => void delete p.bucket),
        POLICY,
      ),
      [["uploads-bucket", NO_LOGGING]],
    );
  });
});
