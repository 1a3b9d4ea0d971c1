import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { loadKnownDifferences } from "../policy/known-differences";
import { CliIo, main } from "../tools/parity/cli";
import { REPO_ROOT } from "../tools/parity/offline-stacks";
import type { ParityReport } from "../tools/parity/report-model";
import { NOTES_PATH, renderStagingNotes, sizingRows } from "../tools/parity/staging-notes";

/**
 * The parity report on this repository's own stacks, run offline: what `npm run parity` prints on a
 * fresh clone, and whether the committed staging notes still say what the programs do.
 */
describe("parity report on this repo's stacks (offline)", function () {
  // Both programs run in child processes on the mock runtime: seconds each, more on a busy machine.
  this.timeout(300_000);

  let code: number;
  let report: ParityReport;
  let stderr = "";

  before(async () => {
    let stdout = "";
    const io: CliIo = { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env: {} };
    code = await main(["--format", "json"], io);
    assert.equal(stderr, "", "the report ran");
    report = JSON.parse(stdout) as ParityReport;
  });

  it("exits 0: nothing in staging diverges from production", () => {
    const divergent = [
      ...report.resources.flatMap((r) => r.properties.filter((p) => p.class === "divergent").map((p) => `${r.resourceKey} ${p.path}: ${JSON.stringify(p.staging)} vs ${JSON.stringify(p.production)}`)),
      ...report.presence.filter((p) => p.class === "divergent").map((p) => `${p.resourceKey} only in ${p.onlyIn}`),
      ...report.env.filter((e) => e.class === "divergent").map((e) => `${e.service} ${e.key}`),
    ];
    assert.deepEqual(divergent, []);
    assert.equal(code, 0);
  });

  it("compares the program's resources, not just the provider", () => {
    const components = new Set(report.resources.map((r) => r.component));
    assert.ok(components.size > 1, `components seen: ${[...components].join(", ")}`);
    assert.ok(report.totals.properties.match > 0);
  });

  it("has staging smaller than production somewhere, and calls it sizing", () => {
    const rows = sizingRows(report);
    assert.ok(rows.length > 0, "the stack files give staging smaller values");
    for (const r of rows) assert.notEqual(r.staging, r.production);
  });

  it(`committed ${NOTES_PATH} is fresh (run \`npm run notes\` when this fails)`, () => {
    const expected = renderStagingNotes(loadKnownDifferences(path.join(REPO_ROOT, "known-differences.yaml")), report);
    const committed = readFileSync(path.join(REPO_ROOT, NOTES_PATH), "utf8");
    assert.equal(committed, expected);
  });

  it("the notes say what, why and how to test safely for every declared difference", () => {
    const notes = readFileSync(path.join(REPO_ROOT, NOTES_PATH), "utf8");
    for (const k of loadKnownDifferences(path.join(REPO_ROOT, "known-differences.yaml"))) {
      const section = notes.slice(notes.indexOf(`- **Id:** \`${k.id}\``));
      assert.ok(notes.includes(`- **Id:** \`${k.id}\``), `${k.id} is in the notes`);
      assert.match(section, /- \*\*Why:\*\* \S/);
      assert.match(section, /- \*\*How to test the real thing safely:\*\* \S/);
    }
  });
});
