import * as fs from "node:fs";
import * as path from "node:path";
import { expandJobs, type Obj, text, uses, type Violation } from "./model";

/*
 * pulumi/actions publishes every stack output as a step output at run time (one core.setOutput per
 * output), but its action.yml declares only `output`, so actionlint cannot check those names (see
 * .github/actionlint.yaml). This rule does: each `steps.<id>.outputs.<name>` read from a
 * pulumi/actions step must be `output` or a stack output the program exports, or the step reading
 * it gets an empty string at deploy time.
 */

export const programFile = path.resolve(__dirname, "..", "..", "..", "index.ts");

/** The program's stack outputs: the names `index.ts` exports with `export const`. */
export function programOutputs(source: string = fs.readFileSync(programFile, "utf8")): Set<string> {
  return new Set([...source.matchAll(/^export const (\w+)\b/gm)].map((m) => m[1]));
}

const STEP_OUTPUT = /\bsteps\.([\w-]+)\.outputs\.([\w-]+)/g;

export function checkStackOutputs(workflow: Obj, exported: ReadonlySet<string>): Violation[] {
  const out: Violation[] = [];
  // GitHub matches context property names case-insensitively; so does this.
  const known = new Set(["output", ...[...exported].map((name) => name.toLowerCase())]);
  const seen = new Set<string>();
  for (const job of expandJobs(workflow)) {
    const pulumiIds = new Set(job.steps.filter((s) => uses(s, "pulumi/actions")).map((s) => text(s.id).toLowerCase()));
    for (const [reference, id, name] of JSON.stringify(job.raw).matchAll(STEP_OUTPUT)) {
      const message = `job ${job.id}: ${reference} is no stack output: fix the name or export it from index.ts.`;
      if (!pulumiIds.has(id.toLowerCase()) || known.has(name.toLowerCase()) || seen.has(message)) continue;
      seen.add(message);
      out.push({ rule: "stack-outputs", message });
    }
  }
  return out;
}
