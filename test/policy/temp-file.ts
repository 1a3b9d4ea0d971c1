import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** Writes `text` to a file called `name` in a fresh temporary directory; returns its path. */
export function tempFile(name: string, text: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "parity-test-")), name);
  fs.writeFileSync(file, text);
  return file;
}

/**
 * A fresh directory inside the project (under .parity/, which git ignores; not node_modules, which may
 * be a link to elsewhere): the pack reads
 * `lockFile` and `knownDifferencesFile` only inside the project (policy/files.ts), so a test's own
 * lock or declarations live there too.
 */
export function projectTempDir(prefix: string): string {
  const parent = path.resolve(__dirname, "../../.parity/test-tmp");
  fs.mkdirSync(parent, { recursive: true });
  return fs.mkdtempSync(path.join(parent, prefix));
}

/** `tempFile` inside the project, for a lock or declarations the pack is pointed at. */
export function projectTempFile(name: string, text: string): string {
  const file = path.join(projectTempDir("parity-test-"), name);
  fs.writeFileSync(file, text);
  return file;
}

/** A copy of one of the project's own files (path from the project root) with `change` applied, inside the project; its path. */
export function projectCopy(file: string, change: (text: string) => string): string {
  const text = fs.readFileSync(path.resolve(__dirname, "../..", file), "utf8");
  return projectTempFile(path.basename(file), change(text));
}
