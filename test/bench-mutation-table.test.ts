import * as assert from "node:assert/strict";
import { fileScores, scoreOf, tableRows } from "../bench/mutation-table";

const mutants = (...statuses: string[]) => ({ mutants: statuses.map((status) => ({ status })) });

describe("bench/mutation-table.ts (the committed mutation figures, read from Stryker's reports)", () => {
  it("scores killed and timed-out mutants over the valid ones, leaving static and broken mutants out", () => {
    const [s] = fileScores(
      [
        {
          files: {
            "/repo/policy/a.ts": mutants(
              "Killed",
              "Killed",
              "Timeout",
              "Survived",
              "NoCoverage",
              "Ignored",
              "CompileError",
            ),
          },
        } as never,
      ],
      "/repo",
    );
    assert.deepEqual(s, { file: "policy/a.ts", detected: 3, survived: 1, noCoverage: 1, ignored: 1, errors: 1 });
    assert.equal(scoreOf(s), 60);
  });

  it("marks a file under the target and says so for a file with no valid mutant", () => {
    const scores = fileScores([
      {
        files: {
          "policy/low.ts": mutants("Killed", "Survived"),
          "policy/types.ts": mutants("Ignored", "Ignored"),
          "policy/ok.ts": mutants("Killed"),
        },
      } as never,
    ]);
    const rows = tableRows(scores);
    assert.match(
      rows.find((r) => r.includes("low.ts")) ?? "",
      /\*\*50\.00%\*\* \(1 \/ 1 \/ 0\) \| 0 \| ≥ 85% — \*\*misses\*\*/,
    );
    assert.match(rows.find((r) => r.includes("types.ts")) ?? "", /no valid mutant \| 2 \| ≥ 85% \|$/);
    assert.match(rows.find((r) => r.includes("ok.ts")) ?? "", /\*\*100\.00%\*\* \(1 \/ 0 \/ 0\) \| 0 \| ≥ 85% \|$/);
    assert.deepEqual(
      scores.map((s) => s.file),
      ["policy/low.ts", "policy/ok.ts", "policy/types.ts"],
    );
  });

  it("keeps a file's last report when several runs scored it", () => {
    const [s] = fileScores([
      { files: { "x.ts": mutants("Survived") } },
      { files: { "x.ts": mutants("Killed") } },
    ] as never);
    assert.equal(scoreOf(s), 100);
  });
});
