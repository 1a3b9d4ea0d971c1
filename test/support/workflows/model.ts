/*
 * A parsed GitHub Actions workflow as plain data, and the small readers the release rules share.
 * The rules work on plain JSON (not the YAML document) so a test can break a structuredClone of
 * the real workflow and watch a rule catch it.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Obj = { [key: string]: Json };
export type Step = Obj;

/** One job as it runs: once per matrix combination, `${{ matrix.x }}` already substituted. */
export interface Job {
  readonly id: string;
  readonly raw: Obj;
  readonly steps: Step[];
}

export interface Violation {
  /** The rule's name, as RELEASING.md and the tests refer to it. */
  readonly rule: string;
  readonly message: string;
}

/** The stacks every release workflow must cover; a workflow naming only one is incomplete. */
export const STACKS = ["staging", "production"] as const;

export const isObj = (value: Json | undefined): value is Obj =>
  typeof value === "object" && value !== null && !Array.isArray(value);
export const asObj = (value: Json | undefined): Obj => (isObj(value) ? value : {});
export const asList = (value: Json | undefined): Json[] =>
  Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
export const text = (value: Json | undefined): string =>
  typeof value === "string" ? value : value === undefined || value === null ? "" : JSON.stringify(value);

/** Whether the step uses `action` at any ref; `uses` is case-insensitive on GitHub. */
export const uses = (step: Step, action: string) => text(step.uses).toLowerCase().startsWith(`${action}@`);
export const runs = (step: Step, pattern: RegExp) => pattern.test(text(step.run));

/**
 * A job once per matrix combination, with `${{ matrix.x }}` replaced, so a matrix over stacks
 * counts per stack.
 */
export function expandJobs(workflow: Obj): Job[] {
  return Object.entries(asObj(workflow.jobs)).flatMap(([id, value]) => {
    const raw = asObj(value);
    const matrix = asObj(asObj(raw.strategy).matrix);
    const axes = Object.entries(matrix).filter(
      ([key, v]) => key !== "include" && key !== "exclude" && Array.isArray(v),
    );
    let combos: Record<string, Json>[] = [{}];
    for (const [key, values] of axes) combos = combos.flatMap((c) => asList(values).map((v) => ({ ...c, [key]: v })));
    return combos.map((combo) => {
      const resolved = substitute(raw, combo) as Obj;
      return { id, raw: resolved, steps: asList(resolved.steps).filter(isObj) };
    });
  });
}

function substitute(value: Json, combo: Record<string, Json>): Json {
  if (typeof value === "string") {
    return value.replace(/\$\{\{\s*matrix\.([\w-]+)\s*\}\}/g, (whole, key: string) =>
      key in combo ? text(combo[key]) : whole,
    );
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, combo));
  if (isObj(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, combo)]));
  return value;
}

/** The events a workflow runs on, whichever of the three `on:` shapes it uses. */
export const triggers = (workflow: Obj): string[] => {
  const on = workflow.on;
  return typeof on === "string" ? [on] : Array.isArray(on) ? on.map(text) : Object.keys(asObj(on));
};
export const environmentName = (job: Job): string =>
  isObj(job.raw.environment) ? text(job.raw.environment.name) : text(job.raw.environment);
export const pulumiSteps = (job: Job, command: string) =>
  job.steps.filter((s) => uses(s, "pulumi/actions") && text(asObj(s.with).command) === command);
/** The stack a pulumi/actions step targets, without an `org/project/` prefix. */
export const stackOf = (step: Step) => text(asObj(step.with)["stack-name"]).split("/").pop();
export const policyPacks = (step: Step) =>
  text(asObj(step.with).policyPacks)
    .split(/[\s,]+/)
    .filter(Boolean);
export function concurrencyGroup(job: Job): string {
  const concurrency = job.raw.concurrency;
  return isObj(concurrency) ? text(concurrency.group) : text(concurrency);
}
export function escapeRegExp(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
