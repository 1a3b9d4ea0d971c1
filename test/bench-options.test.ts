import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseBenchArgs, writeResults } from "../bench/options";

describe("npm run bench options", () => {
  const sink = () => {
    const chunks: string[] = [];
    return { chunks, write: (s: string) => chunks.push(s) };
  };

  it("writes no file unless --out names one, so the tracked bench/results.md stays as committed", () => {
    const opts = parseBenchArgs([]);
    assert.deepEqual(opts, { runs: 3 });
    const before = fs.statSync(path.join(__dirname, "../bench/results.md")).mtimeMs;
    const out = sink();
    writeResults("# figures\n", opts, out);
    assert.deepEqual(out.chunks, ["# figures\n"]);
    assert.equal(fs.statSync(path.join(__dirname, "../bench/results.md")).mtimeMs, before);
  });

  it("writes the figures where --out says, relative to the working directory", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-out-"));
    try {
      const opts = parseBenchArgs(["--runs", "1", "--out", "nested/figures.md"], dir);
      assert.deepEqual(opts, { runs: 1, out: path.join(dir, "nested/figures.md") });
      writeResults("# figures\n", opts, sink());
      assert.equal(fs.readFileSync(path.join(dir, "nested/figures.md"), "utf8"), "# figures\n");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a run count that is not a positive whole number, and unknown flags", () => {
    assert.throws(() => parseBenchArgs(["--runs", "0"]), /--runs must be a whole number of runs, 1 or more \(got 0\)/);
    assert.throws(() => parseBenchArgs(["--output", "x.md"]), /Unknown option '--output'[\s\S]*--out FILE/);
  });
});
