import * as assert from "node:assert/strict";
import type { CollectedResource, StackSnapshot } from "../../tools/simulator/snapshot";
import type { MutableResource } from "./harness";

/**
 * Edits of a real snapshot that `mutate` (one resource's properties) cannot make: a resource added
 * beside another, one taken out, one retyped, links between resources cut. Each returns a copy.
 */

/** A resource's output (default its `id`), as other resources' values name it. */
export function outputOf(snapshot: StackSnapshot, name: string, prop = "id"): string {
  const r = snapshot.resources.find((x) => x.name === name && x.custom);
  assert.ok(r, `no resource ${name}`);
  return String(r.outputs[prop]);
}

export function urnOf(snapshot: StackSnapshot, name: string): string {
  const r = snapshot.resources.find((x) => x.name === name && x.custom);
  assert.ok(r, `no resource ${name}`);
  return r.urn;
}

/** The snapshot plus a resource of `type` named `name`, next to `beside` (same parent and provider). */
export function withResource(
  snapshot: StackSnapshot,
  beside: string,
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  propertyDependencies: Record<string, string[]> = {},
): StackSnapshot {
  const copy = structuredClone(snapshot) as { resources: MutableResource[] } & StackSnapshot;
  const template = copy.resources.find((r) => r.name === beside && r.custom);
  assert.ok(template, `no resource ${beside}`);
  const urn = `${template.urn.slice(0, template.urn.lastIndexOf("$") + 1)}${type}::${name}`;
  const added: CollectedResource = {
    ...structuredClone(template),
    urn,
    type,
    name,
    inputs,
    checkedInputs: { ...inputs, __defaults: [] },
    outputs: { ...inputs, id: `${name}-0a1b2c3d` },
    dependencies: Object.values(propertyDependencies).flat(),
    propertyDependencies,
  };
  copy.resources.push(added as MutableResource);
  return copy;
}

/** The snapshot without the named resources (custom resources, by logical name). */
export function without(snapshot: StackSnapshot, ...names: string[]): StackSnapshot {
  const copy = structuredClone(snapshot) as StackSnapshot;
  for (const n of names)
    assert.ok(
      copy.resources.some((r) => r.name === n && r.custom),
      `no resource ${n}`,
    );
  return { ...copy, resources: copy.resources.filter((r) => !(r.custom && names.includes(r.name))) };
}

/**
 * The snapshot with `name` of another type (its URN follows, and what names that URN): the same
 * resource as another class of the provider declares it, e.g. a Bucket as the BucketV2 it replaced.
 */
export function retyped(snapshot: StackSnapshot, name: string, type: string): StackSnapshot {
  const old = urnOf(snapshot, name);
  const r = snapshot.resources.find((x) => x.urn === old) as CollectedResource;
  const urn = old.replace(`${r.type}::${name}`, `${type}::${name}`);
  const text = JSON.stringify(snapshot).split(JSON.stringify(old).slice(1, -1)).join(JSON.stringify(urn).slice(1, -1));
  const copy = JSON.parse(text) as { resources: MutableResource[] } & StackSnapshot;
  (copy.resources.find((x) => x.urn === urn) as MutableResource).type = type;
  return copy;
}

/**
 * The snapshot where `name` no longer says, by dependency, what it was built from: as a deployed
 * stack's state may reach the pack, so only the values themselves link it to other resources.
 */
export function withoutDependencies(snapshot: StackSnapshot, name: string): StackSnapshot {
  const copy = structuredClone(snapshot) as { resources: MutableResource[] } & StackSnapshot;
  const r = copy.resources.find((x) => x.name === name && x.custom);
  assert.ok(r, `no resource ${name}`);
  r.dependencies = [];
  r.propertyDependencies = {};
  return copy;
}

/** An IAM or bucket policy document edit: `statement` appended to the JSON `policy` property. */
export function addStatement(
  statement: Record<string, unknown>,
  prop = "policy",
): (p: Record<string, unknown>) => void {
  return (p) => {
    const doc = JSON.parse(String(p[prop])) as { Statement: unknown[] };
    doc.Statement.push(statement);
    p[prop] = JSON.stringify(doc);
  };
}
