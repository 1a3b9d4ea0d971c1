import type { ComparableResource } from "../../policy/engine/compare";
import { comparableFrom } from "../../policy/engine/comparable";
import type { StackSnapshot } from "./snapshot";

type Mask = (props: Record<string, unknown>) => Record<string, unknown>;

/**
 * A snapshot read exactly as the policy pack reads a stack (policy/pack/resources.ts, policy/engine/comparable.ts): what each resource
 * declares (the checked inputs `Analyze` gets, provider defaults split off), references to the
 * stack's own resources rewritten by provenance from the outputs. `mask` hides secrets from callers
 * that print what they compare (the parity report); the lock needs none.
 */
export function comparableSnapshot(snapshot: StackSnapshot, mask: Mask = (props) => props): ComparableResource[] {
  return comparableFrom(
    snapshot.resources.map((r) => ({
      urn: r.urn,
      type: r.type,
      declared: mask(r.checkedInputs ?? r.inputs),
      outputs: mask(r.outputs),
      parent: r.parent,
      protect: r.options.protect,
      retainOnDelete: r.options.retainOnDelete,
      custom: r.custom,
    })),
  );
}
