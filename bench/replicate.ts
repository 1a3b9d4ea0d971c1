import type { CollectedResource, StackSnapshot } from "../tools/offline/snapshot";

/**
 * A snapshot grown to about `target` resources by copying every resource but the root stack under a
 * suffixed name, with parents and dependencies pointing at the same copy, so the pack sees a
 * consistent (if repetitive) stack of realistic resources.
 */
export function replicate(snapshot: StackSnapshot, target: number): StackSnapshot {
  const [root, ...rest] = snapshot.resources;
  const copies = Math.max(1, Math.ceil((target - 1) / rest.length));
  const resources: CollectedResource[] = [root];
  for (let k = 0; k < copies; k++) {
    const rename = (urn: string) => (urn === root.urn || k === 0 ? urn : `${urn}-x${k}`);
    for (const r of rest) {
      resources.push({
        ...r,
        urn: rename(r.urn),
        name: k === 0 ? r.name : `${r.name}-x${k}`,
        ...(r.parent ? { parent: rename(r.parent) } : {}),
        dependencies: r.dependencies.map(rename),
        propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies).map(([key, urns]) => [key, urns.map(rename)])),
      });
    }
  }
  return { ...snapshot, resources };
}
