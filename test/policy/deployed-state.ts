import { createHash } from "node:crypto";
import { escapeRegExp } from "../../policy/engine/normalize";
import type { CollectedResource, StackSnapshot } from "../../tools/simulator/snapshot";

/**
 * A snapshot reshaped the way a deployed stack's state reaches a pack, exaggerated so that any
 * policy still reading provider-made values fails loudly:
 * - `Analyze` gets the stored (checked) inputs;
 * - `AnalyzeStack` gets outputs carrying `region`, `tagsAll` and made-up schema defaults the program
 *   never declared and no model knows;
 * - every generated part (ids, ARN suffixes, key UUIDs, random hex, revisions) is different, as
 *   after another deploy;
 */

export interface DeployedStateOptions {
  /** Drives every generated value; two seeds give two different deploys. */
  readonly seed: string;
}

/** Output properties whose value a deploy generates. */
const GENERATED = [
  "id",
  "arn",
  "keyId",
  "url",
  "hex",
  "b64Url",
  "b64Std",
  "dec",
  "uniqueId",
  "arnSuffix",
  "arnWithoutRevision",
  "qualifiedArn",
  "invokeArn",
  "dnsName",
  "endpoint",
  "address",
  "resourceId",
  "versionId",
];

export function asDeployedState(snapshot: StackSnapshot, opts: DeployedStateOptions): StackSnapshot {
  const renames = generatedRenames(snapshot, opts.seed);
  const region = String(snapshot.config["aws:region"] ?? "us-east-1");
  const resources = snapshot.resources.map((r) => deployed(r, region, opts.seed));
  const text = rename(JSON.stringify({ ...snapshot, resources }), renames);
  return JSON.parse(text) as StackSnapshot;
}

function deployed(r: CollectedResource, region: string, seed: string): CollectedResource {
  if (!r.custom || r.type.startsWith("pulumi:providers:")) return r;
  const defaults = { zzProviderDefault: `default-${seed}`, zzProviderFlag: false, zzProviderLimit: 262144 };
  // The state's inputs: what Check returned (the provider model's checked inputs, or the inputs with
  // the bridge's empty lists); the engine strips `__defaults` before the pack sees them.
  const checkedInputs = r.checkedInputs ?? withNestedDefaults(r.inputs);
  const tags = (r.inputs.tags ?? {}) as Record<string, unknown>;
  const outputs = {
    ...r.outputs,
    ...defaults,
    zzComputedStatus: "available",
    region,
    tagsAll: { ...tags, "parity:environment": "(from the provider)" },
  };
  return { ...r, checkedInputs, outputs };
}

/** Every nested plain object gets its own (empty) `__defaults`, as the bridge writes it. */
function withNestedDefaults(v: Record<string, unknown>): Record<string, unknown> {
  const walk = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(walk);
    if (typeof x !== "object" || x === null || "4dabf18193072939515e22adb298388d" in x) return x;
    return { ...Object.fromEntries(Object.entries(x).map(([k, y]) => [k, walk(y)])), __defaults: [] };
  };
  return Object.fromEntries(Object.entries(v).map(([k, y]) => [k, walk(y)]));
}

/**
 * Old generated value → new one, for every generated output: hex and alphanumeric runs that look
 * generated are redrawn from the seed (same length, same shape), task definition revisions move on.
 */
function generatedRenames(snapshot: StackSnapshot, seed: string): Map<string, string> {
  const renames = new Map<string, string>();
  for (const r of snapshot.resources) {
    for (const prop of GENERATED) {
      const v = r.outputs[prop];
      if (typeof v !== "string" || v.length < 6) continue;
      const declared = Object.values(r.inputs).includes(v);
      if (declared) continue;
      const next = redraw(v, `${seed}\0${r.urn}\0${prop}`);
      if (next !== v) renames.set(v, next);
    }
  }
  return renames;
}

function redraw(value: string, seed: string): string {
  let i = 0;
  const hex = (n: number) => createHash("sha256").update(`${seed}\0${i++}`).digest("hex").repeat(4).slice(0, n);
  return (
    value
      .replace(
        /:task-definition\/([^:]+):(\d+)$/,
        (_m, family: string, rev: string) => `:task-definition/${family}:${Number(rev) + 6}`,
      )
      // Digits alone are accounts, ports and dates, not generated ids.
      .replace(/(?<![A-Za-z0-9])[0-9a-f]{6,}(?![A-Za-z0-9])/g, (m) => (/^\d+$/.test(m) ? m : hex(m.length)))
      .replace(/(?<=[-_/])[A-Za-z0-9]{6}$/, (m) => (/\d/.test(m) || /[A-Z]/.test(m) ? hex(6).toUpperCase() : m))
  );
}

function rename(text: string, renames: Map<string, string>): string {
  if (renames.size === 0) return text;
  const olds = [...renames.keys()].sort((a, b) => b.length - a.length);
  const pattern = new RegExp(olds.map(escapeRegExp).join("|"), "g");
  return text.replace(pattern, (m) => renames.get(m) ?? m);
}
