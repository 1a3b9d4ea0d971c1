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
// policy/engine/show-value.ts: the program's config messages cut values with the pack's own helper.
const PROGRAM = [
  "index.ts",
  "components",
  "functions",
  "config",
  "policy/engine/show-value.ts",
  "Pulumi.yaml",
  "Pulumi.staging.yaml",
  "Pulumi.production.yaml",
  "package.json",
  "tsconfig.json",
];

/**
 * One change to one source file: `anchor`, found exactly once, is replaced by `replacement(found)`,
 * where `found` is the anchor as the source spells it. The match ignores layout (line breaks,
 * indentation, a trailing comma before a closing bracket), so a reformat of the program (Prettier
 * breaking a long line) does not lose the planting.
 */
export interface Planting {
  readonly file: string;
  readonly anchor: string;
  readonly replacement: (found: string) => string;
}

/** `anchor` followed by `addition`: the usual planting, an element appended after an existing one. */
export function after(file: string, anchor: string, addition: string): Planting {
  return { file, anchor, replacement: (found) => `${found}${addition}` };
}

/** `anchor` replaced by `text` outright. */
export function replace(file: string, anchor: string, text: string): Planting {
  return { file, anchor, replacement: () => text };
}

/**
 * A pattern for `anchor` in any layout: whitespace may appear, vanish or become line breaks around
 * tokens, and a closing bracket may follow a trailing comma. Names, strings and numbers stay exact.
 */
export function anchorPattern(anchor: string): RegExp {
  const gap = "\\s*";
  const exact = (c: string) => c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  let source = "";
  let quote: string | undefined;
  const chars = [...anchor.trim()];
  chars.forEach((c, i) => {
    const next = chars[i + 1];
    if (quote !== undefined) {
      // Inside a string literal every character counts, spaces included.
      source += exact(c);
      if (c === quote && chars[i - 1] !== "\\") quote = undefined;
      return;
    }
    if (`"'\``.includes(c)) quote = c;
    if (/\s/.test(c)) {
      if (!/\s/.test(next)) source += gap;
      return;
    }
    if ("}])".includes(c)) source += `,?${gap}`;
    source += exact(c);
    // A gap after an opening bracket or a comma, unless the anchor has one there already.
    if ("{[(,".includes(c) && next !== undefined && !/\s/.test(next) && !"}])".includes(next)) source += gap;
  });
  return new RegExp(source, "g");
}

/** Where `anchor` occurs in `text`, in any layout; `undefined` unless exactly once. */
export function findAnchor(text: string, anchor: string): { readonly at: number; readonly found: string } | undefined {
  const matches = [...text.matchAll(anchorPattern(anchor))];
  return matches.length === 1 ? { at: matches[0].index, found: matches[0][0] } : undefined;
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
  if (fs.existsSync(runnerCache))
    fs.cpSync(runnerCache, path.join(dir, ".parity", "runner-cache"), { recursive: true });
  for (const p of plantings) {
    const file = path.join(dir, p.file);
    const text = fs.readFileSync(file, "utf8");
    const match = findAnchor(text, p.anchor);
    assert.ok(match, `${p.file}: the planting's anchor must occur exactly once: ${p.anchor}`);
    fs.writeFileSync(
      file,
      text.slice(0, match.at) + p.replacement(match.found) + text.slice(match.at + match.found.length),
    );
  }
  return dir;
}
