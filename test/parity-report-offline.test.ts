import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { resourceKey } from "../policy/engine/contract";
import { loadKnownDifferences } from "../policy/engine/known-differences";
import { isSecretValue, reveal } from "../tools/simulator/snapshot";
import { OfflinePair, REPO_ROOT } from "../tools/parity/offline-stacks";
import type { ParityReport } from "../tools/parity/report-model";
import { renderJson } from "../tools/parity/render-json";
import { COMMENT_LIMIT, renderMarkdown } from "../tools/parity/render-markdown";
import { renderTerminal } from "../tools/parity/render-terminal";
import { programReport } from "../tools/parity/sources";
import { NOTES_PATH, renderStagingNotes, sizingRows } from "../tools/parity/staging-notes";
import { snapshotOf } from "./policy/harness";

/**
 * The parity report on this repository's own stacks, run offline: what `npm run parity` computes on
 * a fresh clone (the snapshots `collectPair` makes, shared with the other test files, and the CLI's
 * `programReport`), and whether the committed staging notes still say what the programs do.
 */
describe("parity report on this repo's stacks (offline)", function () {
  // Both programs run in child processes on the mock runtime: seconds each, more on a busy machine.
  this.timeout(300_000);

  const knownFile = path.join(REPO_ROOT, "known-differences.yaml");
  let pair: OfflinePair;
  let report: ParityReport;

  before(async () => {
    const [staging, production] = await Promise.all([snapshotOf("staging"), snapshotOf("production")]);
    pair = { staging, production };
    report = programReport(pair, loadKnownDifferences(knownFile));
  });

  it("finds nothing divergent, so `npm run parity` exits 0", () => {
    const divergent = [
      ...report.resources.flatMap((r) =>
        r.properties
          .filter((p) => p.class === "divergent")
          .map((p) => `${r.resourceKey} ${p.path}: ${JSON.stringify(p.staging)} vs ${JSON.stringify(p.production)}`),
      ),
      ...report.presence.filter((p) => p.class === "divergent").map((p) => `${p.resourceKey} only in ${p.onlyIn}`),
      ...report.env.filter((e) => e.class === "divergent").map((e) => `${e.service} ${e.key}`),
    ];
    assert.deepEqual(divergent, []);
    assert.equal(report.divergent, false);
  });

  it("says which stacks it compared and which provider model they ran on", () => {
    assert.deepEqual(report.source, {
      kind: "program",
      project: pair.production.project,
      staging: { stack: "staging" },
      production: { stack: "production" },
      model: { scenario: pair.production.scenario, seed: pair.production.seed },
    });
    assert.ok(report.source.model?.scenario && report.source.model.seed, "a model the report can print");
  });

  it("lists every resource of the program that both stacks have", () => {
    const listed = new Set(report.resources.map((r) => r.resourceKey));
    const productionKeys = new Set(pair.production.resources.map((r) => resourceKey(r.urn)));
    const inBoth = pair.staging.resources.filter(
      (r) => r.type !== "pulumi:pulumi:Stack" && productionKeys.has(resourceKey(r.urn)),
    );
    assert.ok(inBoth.length > 10, "the program builds the platform");
    assert.equal(listed.size, inBoth.length);
    assert.ok(new Set(report.resources.map((r) => r.component)).size > 3, "across its components");
  });

  it("has staging smaller than production somewhere, and calls it sizing", () => {
    const sizing = report.resources.flatMap((r) =>
      r.properties
        .filter((p) => p.class === "sizing")
        .map((p) => ({ ...p, resource: r.resourceKey.split("::").pop() })),
    );
    const numbers = sizing.filter(
      (p): p is typeof p & { staging: number; production: number } =>
        typeof p.staging === "number" && typeof p.production === "number",
    );
    assert.ok(
      numbers.some((p) => p.staging < p.production),
      "no sizing property is smaller in staging",
    );
    assert.deepEqual(
      numbers.filter((p) => p.staging > p.production).map((p) => `${p.resource} ${p.path}`),
      [],
      "staging is larger than production",
    );
    const dbClass = sizing.find((p) => p.resource === "db-instance" && p.path === "instanceClass");
    assert.deepEqual(
      [dbClass?.staging, dbClass?.production],
      ["db.t4g.micro", "db.r7g.large"],
      "the database instance class is sizing, smaller in staging",
    );
    assert.ok(
      sizingRows(report).some((r) => r.property === "instanceClass"),
      "the staging notes list it",
    );
  });

  it("prints no generated secret of either stack, in any format", () => {
    const secrets = new Set<string>();
    const walk = (v: unknown): void => {
      if (isSecretValue(v)) {
        const inner = reveal(v);
        // Short values (e.g. a placeholder flag) could appear by coincidence; generated secrets are long.
        if (typeof inner === "string" && inner.length >= 12) secrets.add(inner);
      } else if (Array.isArray(v)) v.forEach(walk);
      else if (typeof v === "object" && v !== null) Object.values(v).forEach(walk);
    };
    for (const r of [...pair.staging.resources, ...pair.production.resources]) walk([r.inputs, r.outputs]);
    assert.ok(secrets.size > 0, "the program generates secrets");
    const outputs = [renderTerminal(report, { width: 400, color: false }), renderMarkdown(report), renderJson(report)];
    for (const secret of secrets) {
      for (const out of outputs)
        assert.ok(!out.includes(secret), `a secret starting ${secret.slice(0, 4)}… was printed`);
    }
  });

  it("fits a PR comment and a 100-column terminal", () => {
    assert.ok(renderMarkdown(report).length <= COMMENT_LIMIT);
    const wide = renderTerminal(report, { width: 100, color: false })
      .split("\n")
      .filter((l) => [...l].length > 100);
    assert.deepEqual(wide, []);
  });

  it(`committed ${NOTES_PATH} is fresh (run \`npm run notes\` when this fails)`, () => {
    const expected = renderStagingNotes(loadKnownDifferences(knownFile), report);
    const committed = readFileSync(path.join(REPO_ROOT, NOTES_PATH), "utf8");
    assert.equal(committed, expected);
  });

  it("the notes say what, why and how to test safely for every declared difference", () => {
    const notes = readFileSync(path.join(REPO_ROOT, NOTES_PATH), "utf8");
    for (const k of loadKnownDifferences(knownFile)) {
      const at = notes.indexOf(`- **Id:** \`${k.id}\``);
      assert.ok(at >= 0, `${k.id} is in the notes`);
      const section = notes.slice(at, notes.indexOf("\n\n", at));
      assert.match(section, /- \*\*Why:\*\* \S/);
      assert.match(section, /- \*\*How to test the real thing safely:\*\* \S/);
    }
  });
});
