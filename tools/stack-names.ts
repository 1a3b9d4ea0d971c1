import * as fs from "node:fs";
import { showValue } from "../policy/engine/show-value";

/**
 * Stack names from a command line, checked before anything reads a file by them: a name becomes a
 * path (`Pulumi.<stack>.yaml`), a URN part and a line of output, so `x/../../tmp/y`, an empty name or
 * an ANSI escape would read elsewhere or rewrite the terminal.
 *
 * The rule is the Pulumi CLI's own (`ParseStackName`, sdk/go/common/tokens/stack_name.go): not empty,
 * at most 100 characters, only letters, digits, `-`, `_` and `.`. A qualified `org/project/stack`
 * names a backend stack; this project's stacks are its `Pulumi.<stack>.yaml` files, so a `/` is refused.
 */
export const MAX_STACK_NAME_LENGTH = 100;
const STACK_NAME_CHARACTER = /[A-Za-z0-9_.-]/;

/** What is wrong with a stack name by Pulumi's rule, or undefined when it is a valid name. */
export function stackNameProblem(name: string): string | undefined {
  if (name === "") return "a stack name may not be empty";
  if (name.length > MAX_STACK_NAME_LENGTH)
    return `a stack name cannot exceed ${MAX_STACK_NAME_LENGTH} characters (this one has ${name.length})`;
  const at = [...name].findIndex((c) => !STACK_NAME_CHARACTER.test(c));
  if (at >= 0) {
    return `a stack name may only contain letters, digits, hyphens, underscores or periods: invalid character ${JSON.stringify([...name][at])} at position ${at}`;
  }
  if (name === "." || name === "..") return "a stack name may not be `.` or `..`";
  return undefined;
}

/** The stacks a project defines: every `Pulumi.<stack>.yaml` beside `Pulumi.yaml`, sorted. */
export function projectStacks(root: string): string[] {
  const names = fs.existsSync(root) ? fs.readdirSync(root) : [];
  return names
    .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined && stackNameProblem(s) === undefined)
    .sort();
}

export interface StackNameCheck {
  /** The flag the names came from, for the message (`--stack`). */
  readonly flag: string;
  /** The project directory; when given, each name must have its `Pulumi.<stack>.yaml` there. */
  readonly root?: string;
}

/**
 * Every problem with the names one flag gave: Pulumi's rule, the same stack twice, and (with `root`)
 * a stack the project does not define. Empty when all are fine. Each problem names the flag and the fix.
 */
export function stackNameProblems(names: readonly string[], check: StackNameCheck): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const known = check.root === undefined ? [] : projectStacks(check.root);
  const choose =
    known.length > 0 ? `one of ${known.map((s) => `\`${s}\``).join(", ")}` : "a stack with a Pulumi.<stack>.yaml";
  for (const name of names) {
    const shown = `${check.flag} ${showValue(name, 40)}`;
    const problem = stackNameProblem(name);
    if (problem) {
      problems.push(`${shown}: ${problem}. Fix: use ${choose}.`);
    } else if (seen.has(name)) {
      problems.push(`${shown} is given twice. Fix: name each stack once.`);
    } else if (check.root !== undefined && !known.includes(name)) {
      problems.push(
        `${shown}: the project has no Pulumi.${name}.yaml in ${check.root}. Fix: use ${choose}, or create Pulumi.${name}.yaml with the same keys as production.`,
      );
    }
    seen.add(name);
  }
  return problems;
}
