import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  declarationsOnly,
  fileScores,
  scoreOf,
  sourceFilesUnder,
  tableRows,
  unreported,
  verdictOf,
} from "../bench/mutation-table";

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
    assert.match(
      rows.find((r) => r.includes("types.ts")) ?? "",
      /no valid mutant \| 2 \| ≥ 85% — \*\*not scored\*\* \(static only/,
    );
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

  it("lists every source file below a folder, nested ones too, and no declaration file", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "mutation-table-"));
    try {
      for (const f of ["policy/a.ts", "policy/rules/b.ts", "policy/types.d.ts", "policy/notes.md", "config/c.ts"]) {
        fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
        fs.writeFileSync(path.join(root, f), "");
      }
      assert.deepEqual(sourceFilesUnder(["policy/"], root), ["policy/a.ts", "policy/rules/b.ts"]);
      assert.deepEqual(sourceFilesUnder(["policy", "config/"], root), [
        "config/c.ts",
        "policy/a.ts",
        "policy/rules/b.ts",
      ]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it("names a file no report holds, so a new file cannot drop out of the table unseen", () => {
    const scores = fileScores([{ files: { "policy/a.ts": mutants("Killed") } }] as never);
    const missing = unreported(scores, ["policy/a.ts", "policy/new.ts"]);
    assert.deepEqual(missing, ["policy/new.ts"]);
    const rows = tableRows(scores, missing, ["policy/classes.ts"]);
    assert.match(rows.find((r) => r.includes("new.ts")) ?? "", /not in any report .* \*\*not scored\*\*/);
    assert.match(rows.find((r) => r.includes("classes.ts")) ?? "", /nothing Stryker mutates/);
  });

  it("knows a module of imports, re-exports and types only from one with code", () => {
    assert.equal(
      declarationsOnly(
        'import type { A } from "a";\nexport { B as C } from "b";\nexport interface D { e: A }\ntype F = D;\n',
      ),
      true,
    );
    assert.equal(declarationsOnly('export const TOKEN = "aws:s3/bucket:Bucket";\n'), false);
    assert.equal(declarationsOnly("export function f(): number {\n  return 1;\n}\n"), false);
    assert.equal(declarationsOnly('import { x } from "x";\nexport { x };\n'), false);
  });

  it("holds a file with valid mutants to the target, and tells one with only static mutants apart", () => {
    const [low, none, ok] = fileScores([
      { files: { "a.ts": mutants("Killed", "Survived"), "b.ts": mutants("Ignored"), "c.ts": mutants("Killed") } },
    ] as never);
    assert.deepEqual([verdictOf(low), verdictOf(none), verdictOf(ok)], ["misses", "static only", "meets"]);
  });
});
