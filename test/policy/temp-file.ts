import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** Writes `text` to a file called `name` in a fresh temporary directory; returns its path. */
export function tempFile(name: string, text: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "parity-test-")), name);
  fs.writeFileSync(file, text);
  return file;
}
