import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/**
 * A temporary copy of the real program (index.ts, components/, config/, the Pulumi files) with
 * changes planted in its source, for `npm run preview -- --root DIR`: what a reviewer does by hand
 * to see whether the gate rejects a change. The pack, the lock and known-differences.yaml stay the
 * repo's own.
 */

const ROOT = path.resolve(__dirname, "../..");
// policy/show-value.ts: the program's config messages cut values with the pack's own helper.
const PROGRAM = ["index.ts", "components", "functions", "config", "policy/show-value.ts", "Pulumi.yaml", "Pulumi.staging.yaml", "Pulumi.production.yaml", "package.json", "tsconfig.json"];

/** One change to one source file: `anchor` (found exactly once) is replaced by `replacement`. */
export interface Planting {
  readonly file: string;
  readonly anchor: string;
  readonly replacement: string;
}

/** `anchor` followed by `addition`: the usual planting, an element appended after an existing one. */
export function after(file: string, anchor: string, addition: string): Planting {
  return { file, anchor, replacement: `${anchor}${addition}` };
}

/** A copy of the program with every planting applied; returns its root. */
export function plantedProgram(plantings: readonly Planting[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "parity-planted-"));
  for (const entry of PROGRAM) {
    fs.mkdirSync(path.dirname(path.join(dir, entry)), { recursive: true });
    fs.cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
  }
  // The same installed SDKs (so the program host's mocks are the program's), and the compiled
  // migration runner, which the program would otherwise compile again.
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  const runnerCache = path.join(ROOT, ".parity", "runner-cache");
  if (fs.existsSync(runnerCache)) fs.cpSync(runnerCache, path.join(dir, ".parity", "runner-cache"), { recursive: true });
  for (const p of plantings) {
    const file = path.join(dir, p.file);
    const text = fs.readFileSync(file, "utf8");
    const at = text.indexOf(p.anchor);
    assert.ok(at >= 0 && text.indexOf(p.anchor, at + 1) < 0, `${p.file}: the planting's anchor must occur exactly once: ${p.anchor}`);
    fs.writeFileSync(file, text.slice(0, at) + p.replacement + text.slice(at + p.anchor.length));
  }
  return dir;
}
