import { raw } from "./raw";

/**
 * What the program declared for each resource, as opposed to what its provider filled in.
 *
 * The engine sends a pack two views of a resource (pulumi/pulumi pkg/resource/deploy/step_generator.go):
 * - `Analyze`, once per resource before its step, gets the provider-*checked inputs*: the program's
 *   inputs plus what `Check` added (autonames, schema defaults). A Terraform-bridged provider (aws,
 *   random, tls) lists what it added in `__defaults` at every object level, but the engine marshals
 *   analyzer requests with `SkipInternalKeys` (pkg/resource/plugin/analyzer_plugin.go), so the pack
 *   sees the filled-in values without the list. parity.lock.json therefore records production's
 *   provider defaults (`providerDefaults`): a stack showing the same value there declares nothing.
 * - `AnalyzeStack`, once after the whole preview or update, gets each resource's *outputs*: the
 *   provider's state, with `region`, `tagsAll`, ids, ARNs and every schema default, which no program
 *   declared and which differ on every deploy.
 * `pulumi policy analyze` sends the same two views from a deployed stack's state (state inputs to
 * `Analyze`, outputs to `AnalyzeStack`; pkg/resource/deploy/analyze_snapshot.go).
 *
 * The stack policies compare what the program declares, so they read each resource's `Analyze`
 * inputs, recorded here by the `declared-inputs` policy (rules/declared-inputs.ts) as the engine
 * sends them, in the same pack process, before it calls `AnalyzeStack`. A resource never analyzed
 * (read with `.get`, or a caller that skips `Analyze`) falls back to its outputs, compared only where
 * production declares a value (see engine/compare.ts). Where `__defaults` is still present (the
 * offline provider model's snapshots, a `pulumi stack export`), the keys it names are split off
 * exactly (engine/provider-defaults.ts).
 */

const recorded = new Map<string, Record<string, unknown>>();

/** Records one resource's inputs as `Analyze` delivers them (its proxy unwrapped). */
export function recordDeclared(urn: string, props: unknown): void {
  recorded.set(urn, raw(props));
}

/** Forgets every recorded declaration: the run they belong to has been judged. */
export function forgetDeclared(): void {
  recorded.clear();
}

/** The checked inputs `Analyze` delivered for `urn` in this process, if it did. */
export function declaredInputsOf(urn: string): Record<string, unknown> | undefined {
  return recorded.get(urn);
}
