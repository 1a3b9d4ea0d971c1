import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import { compareStacks } from "../../policy/engine/compare";
import { loadKnownDifferences } from "../../policy/engine/known-differences";
import { elementPrefixes, elementsOf } from "../../policy/engine/elements";
import { buildLock, DEFAULT_LOCK_FILE, LOCK_VERSION, readLock, serializeLock } from "../../policy/engine/lock";
import type { StackSnapshot } from "../../tools/simulator/snapshot";
import { lockInputs } from "../../tools/write-lock";
import { asDeployedState } from "./deployed-state";
import { tempFile } from "./temp-file";
import { bothSnapshots } from "./harness";

/**
 * CI's freshness checks: the committed parity.lock.json is what `npm run parity:lock` writes today,
 * and every entry of known-differences.yaml still declares a difference that exists.
 */

/** What the parity report compares: each resource's declarations, references by provenance. */
const byInputs = lockInputs;

describe("parity.lock.json and known-differences.yaml", function () {
  this.timeout(120_000);
  let staging: StackSnapshot;
  let production: StackSnapshot;

  before(async () => {
    [staging, production] = await bothSnapshots();
  });

  it("the committed lock is what `npm run parity:lock` writes from production today", () => {
    const fresh = buildLock(production.project, lockInputs(production));
    const committed = readLock();
    assert.deepEqual(
      committed,
      fresh,
      "parity.lock.json is stale: run `npm run parity:lock`, review `git diff parity.lock.json`, commit it",
    );
    assert.equal(
      fs.readFileSync(DEFAULT_LOCK_FILE, "utf8"),
      serializeLock(fresh),
      "parity.lock.json is not in the writer's stable format",
    );
  });

  it("holds no value a deploy generates: another deploy's ids, suffixes, key ids and revisions write the same lock", () => {
    const committed = readLock();
    for (const seed of ["another-deploy", "a-third-deploy"]) {
      assert.deepEqual(
        buildLock(production.project, lockInputs(asDeployedState(production, { seed }))),
        committed,
        `the lock changed under seed ${seed}`,
      );
    }
    const text = fs.readFileSync(DEFAULT_LOCK_FILE, "utf8");
    for (const r of production.resources) {
      for (const prop of ["id", "arn", "keyId", "hex", "url", "uniqueId"]) {
        const v = r.outputs[prop];
        if (typeof v !== "string" || v.length < 6 || Object.values(r.inputs).includes(v)) continue;
        assert.ok(!text.includes(v), `the lock holds ${r.name}'s generated ${prop} ${v}`);
      }
    }
    assert.doesNotMatch(
      text,
      /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/,
      "the lock holds a UUID (a KMS key id?)",
    );
    assert.doesNotMatch(text, /:task-definition\/[^"]*:\d+"/, "the lock holds a task definition revision");
  });

  it("a structural change to production shows up in the lock at that property", () => {
    const drifted = structuredClone(production) as StackSnapshot;
    const queue = drifted.resources.find((r) => r.name === "jobs-jobs");
    assert.ok(queue);
    for (const inputs of [queue.inputs, queue.checkedInputs].filter(
      (i): i is Record<string, unknown> => i !== undefined,
    )) {
      inputs.redrivePolicy = JSON.stringify({ ...JSON.parse(String(inputs.redrivePolicy)), maxReceiveCount: 2 });
    }
    const before = readLock().resources["parity:components:JobQueues$aws:sqs/queue:Queue::jobs-jobs"];
    const after = buildLock(drifted.project, lockInputs(drifted)).resources[
      "parity:components:JobQueues$aws:sqs/queue:Queue::jobs-jobs"
    ];
    assert.equal(before.properties["redrivePolicy.maxReceiveCount"], 5);
    assert.equal(after.properties["redrivePolicy.maxReceiveCount"], 2);
  });

  it("records no provider default that adds a list element: an element production has is in its declared properties", () => {
    const adding = Object.entries(readLock().resources).flatMap(([key, r]) => {
      const declared = elementsOf(Object.keys(r.properties));
      return Object.keys(r.providerDefaults ?? {})
        .filter((p) => elementPrefixes(p).some((e) => !declared.has(e)))
        .map((p) => `${key} ${p}`);
    });
    assert.deepEqual(adding, []);
  });

  it("refuses a lock written in another format version, with the command that rewrites it", () => {
    const file = tempFile("parity.lock.json", JSON.stringify({ ...readLock(), version: LOCK_VERSION + 1 }));
    assert.throws(
      () => readLock(file),
      new RegExp(
        `a parity lock of version ${LOCK_VERSION + 1}, and this pack reads version ${LOCK_VERSION}\\. Fix: regenerate it with \`npm run parity:lock\``,
      ),
    );
  });

  it("records no secret, generated password or staging value", () => {
    const text = fs.readFileSync(DEFAULT_LOCK_FILE, "utf8");
    for (const r of production.resources) {
      for (const v of [r.outputs.result, r.outputs.privateKeyPem]) {
        const secret = (v as { value?: unknown } | undefined)?.value;
        if (typeof secret === "string") assert.ok(!text.includes(secret), `the lock contains ${r.name}'s secret`);
      }
    }
    assert.ok(!text.includes("staging"), "the lock mentions staging");
    assert.ok(!text.includes("210987654321"), "the lock holds staging's account");
  });

  it("staging and production differ only as declared (the parity report's comparison, on inputs)", () => {
    const cmp = compareStacks(byInputs(staging), byInputs(production), loadKnownDifferences());
    const divergent = [
      ...cmp.properties.filter((d) => d.class === "divergent").map((d) => `${d.resourceKey} ${d.path}`),
      ...cmp.presence.filter((d) => d.class === "divergent").map((d) => `${d.resourceKey} only in ${d.onlyIn}`),
      ...cmp.env.filter((d) => d.class === "divergent").map((d) => `${d.service} ${d.key}`),
    ];
    assert.deepEqual(divergent, []);
    assert.ok(
      cmp.properties.some((d) => d.class === "sizing" && d.path === "instanceClass"),
      "the DB class is compared as sizing",
    );
  });

  it("every declared difference still declares something that differs", () => {
    const known = loadKnownDifferences();
    const cmp = compareStacks(byInputs(staging), byInputs(production), known);
    const used = new Set([...cmp.properties, ...cmp.presence, ...cmp.env].map((d) => d.declaredBy).filter(Boolean));
    const stale = known.map((k) => k.id).filter((id) => !used.has(id));
    assert.deepEqual(stale, [], "remove or fix these entries of known-differences.yaml: they match no difference");
  });
});

describe("readLock: a lock it cannot use says why and how to fix it", () => {
  const write = (text: string) => tempFile("parity.lock.json", text);

  it("a missing file", () => {
    assert.throws(
      () => readLock("/nonexistent/parity.lock.json"),
      (e: Error) =>
        /^\/nonexistent\/parity\.lock\.json: cannot read the parity lock \(.*ENOENT.*\)\. Fix: run `npm run parity:lock` and commit parity\.lock\.json/.test(
          e.message,
        ) && (e.cause as NodeJS.ErrnoException)?.code === "ENOENT",
    );
  });

  it("text that is not JSON", () => {
    const file = write("{ not json");
    assert.throws(
      () => readLock(file),
      (e: Error) =>
        e.message.startsWith(`${file}: not valid JSON (`) &&
        /Fix: regenerate it with `npm run parity:lock`; never edit it by hand\.$/.test(e.message) &&
        e.cause instanceof SyntaxError,
    );
  });

  it("a lock without its resources, not a version mismatch", () => {
    for (const resources of [null, "all", undefined]) {
      assert.throws(
        () => readLock(write(JSON.stringify({ version: LOCK_VERSION, resources }))),
        /: a parity lock without its `resources` object\. Fix: regenerate it with `npm run parity:lock` and commit it\.$/,
      );
    }
  });

  it("a version that is not a number, or no object at all", () => {
    assert.throws(
      () => readLock(write(JSON.stringify({ version: "2", resources: {} }))),
      /: a parity lock of no version, and this pack reads version 2\. Fix: regenerate it/,
    );
    assert.throws(() => readLock(write("null")), /: a parity lock of no version, and this pack reads version 2\./);
  });
});
