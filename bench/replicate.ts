import type { CollectedResource, StackSnapshot } from "../tools/simulator/snapshot";

/** How many copies of the snapshot's resources (all but the root stack) make about `target` resources. */
export function copiesFor(snapshot: StackSnapshot, target: number): number {
  return Math.max(1, Math.ceil((target - 1) / (snapshot.resources.length - 1)));
}

/** A snapshot grown to about `target` resources (see `replicateTimes`). */
export function replicate(snapshot: StackSnapshot, target: number): StackSnapshot {
  return replicateTimes(snapshot, copiesFor(snapshot, target));
}

/**
 * A snapshot with every resource but the root stack copied `copies` times under a prefixed name
 * (`x3-jobs-jobs`: a prefix, so known-differences.yaml's anchored globs do not take the copies in),
 * with parents and dependencies pointing at the same copy, so the pack sees a consistent (if
 * repetitive) stack of realistic resources. Two stacks replicated the same number of times keep
 * matching resource keys.
 */
export function replicateTimes(snapshot: StackSnapshot, copies: number): StackSnapshot {
  const [root, ...rest] = snapshot.resources;
  const resources: CollectedResource[] = [root];
  for (let k = 0; k < copies; k++) {
    const rename = (urn: string) =>
      urn === root.urn || k === 0 ? urn : urn.replace(/::([^:]*)$/, (_m, name: string) => `::x${k}-${name}`);
    for (const r of rest) {
      resources.push({
        ...r,
        urn: rename(r.urn),
        name: k === 0 ? r.name : `x${k}-${r.name}`,
        ...(r.parent ? { parent: rename(r.parent) } : {}),
        dependencies: r.dependencies.map(rename),
        propertyDependencies: Object.fromEntries(
          Object.entries(r.propertyDependencies).map(([key, urns]) => [key, urns.map(rename)]),
        ),
      });
    }
  }
  return { ...snapshot, resources };
}
