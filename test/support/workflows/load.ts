import * as fs from "node:fs";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { asObj, type Obj, text, triggers } from "./model";

export interface ReleaseWorkflows {
  readonly pullRequest: Obj;
  readonly deploy: Obj;
  readonly drift: Obj;
  /** Every workflow in the folder, the three above included, for the common rules. */
  readonly all: Obj[];
  /** Absolute paths, in the order of `all`. */
  readonly files: string[];
}

export const defaultWorkflowsDir = path.resolve(__dirname, "..", "..", "..", ".github", "workflows");

/** The workflow files of a folder, sorted so reports and tests read the same order everywhere. */
export function workflowFiles(dir: string = defaultWorkflowsDir): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

/**
 * Parses every workflow and finds the three the release rules are about by what triggers them,
 * not by file name, so a rename cannot slip a workflow past its rules.
 */
export function loadWorkflows(dir: string = defaultWorkflowsDir): ReleaseWorkflows {
  const files = workflowFiles(dir);
  const all = files.map((file) => {
    const doc = parseDocument(fs.readFileSync(file, "utf8"));
    if (doc.errors.length > 0) {
      throw new Error(
        `${file} is not valid YAML: ${doc.errors.map((e) => e.message).join("; ")}. Fix the file; GitHub would reject it too.`,
      );
    }
    return doc.toJS() as Obj;
  });
  const only = (what: string, matches: Obj[]): Obj => {
    if (matches.length !== 1) {
      const names = matches.map((w) => JSON.stringify(text(w.name))).join(", ");
      const found = `found ${matches.length}${names ? ` (${names})` : ""}`;
      throw new Error(
        `${dir}: exactly one workflow must run ${what}, ${found}. The release rules ` +
          "(RELEASING.md) check one such workflow; merge or retrigger the others.",
      );
    }
    return matches[0];
  };
  return {
    pullRequest: only(
      "on pull_request",
      all.filter((w) => triggers(w).includes("pull_request")),
    ),
    deploy: only(
      "on push",
      all.filter((w) => asObj(w.on).push !== undefined),
    ),
    drift: only(
      "on a schedule",
      all.filter((w) => triggers(w).includes("schedule")),
    ),
    all,
    files,
  };
}
