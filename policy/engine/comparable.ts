import { ComparableResource } from "./compare";
import { resourceKey } from "./contract";
import { providerDefaultsOf, withoutProviderDefaults } from "./provider-defaults";
import { buildReferenceIndex } from "./references";

/** One resource as any caller knows it: the pack (from the SDK), the lock writer (from a snapshot). */
export interface ComparableSource {
  readonly urn: string;
  readonly type: string;
  /** What the program declared, if known (checked inputs; provider defaults are dropped here). */
  readonly declared?: Record<string, unknown>;
  readonly outputs: Record<string, unknown>;
  readonly parent?: string;
  readonly protect?: boolean;
  readonly retainOnDelete?: boolean;
  readonly custom: boolean;
}

/** The contract's view of a stack: declared values, references rewritten by provenance. */
export function comparableFrom(sources: readonly ComparableSource[]): ComparableResource[] {
  const declared = sources.map((r) => (r.declared ? withoutProviderDefaults(r.declared) : undefined));
  const defaults = sources.map((r) => (r.declared ? providerDefaultsOf(r.declared) : undefined));
  // Components re-export their children's outputs: the child is what a reference points at.
  const index = buildReferenceIndex(
    sources.flatMap((r, i) =>
      r.custom ? [{ key: resourceKey(r.urn), type: r.type, outputs: r.outputs, declared: declared[i] }] : [],
    ),
  );
  return sources.map((r, i) => {
    const inputs = declared[i];
    return {
      urn: r.urn,
      type: r.type,
      inputs: index.rewrite(inputs ?? r.outputs) as Record<string, unknown>,
      ...(r.parent ? { parent: r.parent } : {}),
      options: {
        protect: r.protect === true,
        ...(r.retainOnDelete !== undefined ? { retainOnDelete: r.retainOnDelete } : {}),
      },
      custom: r.custom,
      ...(inputs === undefined ? { outputsOnly: true } : {}),
      ...(defaults[i] ? { providerDefaults: index.rewrite(defaults[i]) as Record<string, unknown> } : {}),
    };
  });
}
