import shapes from "./state-shapes.json";

/**
 * Each type's output properties and their kinds, read from the `*State` interfaces of @pulumi/aws,
 * @pulumi/random and @pulumi/tls by `write-shapes.ts` (`npm run fixtures` keeps it current; a test
 * holds it to the installed packages).
 */
export type Kind = "string" | "number" | "boolean" | "list" | "map" | "object";

export const STATE_SHAPES: Readonly<Record<string, Readonly<Record<string, Kind>>>> = shapes as Record<
  string,
  Record<string, Kind>
>;

/** What a Terraform SDKv2 resource stores for an attribute the program left unset (a fresh list or map each time). */
const ZERO: Record<Kind, () => unknown> = {
  string: () => "",
  number: () => 0,
  boolean: () => false,
  list: () => [],
  map: () => ({}),
  object: () => null,
};

export function zeroState(type: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, kind] of Object.entries(STATE_SHAPES[type] ?? {})) out[k] = ZERO[kind]();
  return out;
}
