/**
 * List elements in property paths (flatten.ts's syntax): `parameters[name=timezone]`,
 * `policy.Statement[Sid=JobQueues]`, `ingress[1]`, `settings[containerInsights]`. A quoted key
 * (`tags["parity:mode"]`) is an object field, not an element.
 *
 * An element only one side has is an addition (or a removal): no provider default adds a list
 * element, so it is always the program's doing, and every leaf beneath it is judged as that one
 * element (see compare.ts).
 */

/** The prefixes of `path` that end at a list element, outermost first. */
export function elementPrefixes(path: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < path.length) {
    if (path[i] !== "[") {
      i++;
      continue;
    }
    if (path[i + 1] === '"') {
      // A quoted field key: a JSON string, which may itself hold `]` or an escaped quote.
      let j = i + 2;
      while (j < path.length && path[j] !== '"') j += path[j] === "\\" ? 2 : 1;
      i = j + 2;
      continue;
    }
    const end = path.indexOf("]", i);
    if (end < 0) break;
    out.push(path.slice(0, end + 1));
    i = end + 1;
  }
  return out;
}

/** Every element some path of `paths` lies in (or is): what "the other side has that element" means. */
export function elementsOf(paths: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const p of paths) for (const e of elementPrefixes(p)) out.add(e);
  return out;
}

/** The outermost element of `path` that `other` does not have, if any. */
export function missingElement(path: string, other: ReadonlySet<string>): string | undefined {
  return elementPrefixes(path).find((e) => !other.has(e));
}

/** The part of a leaf's path beneath its element: `fromPort` of `ingress[2].fromPort`; "" for the element itself. */
export function pathWithin(element: string, path: string): string {
  const rest = path.slice(element.length);
  return rest.startsWith(".") ? rest.slice(1) : rest;
}
