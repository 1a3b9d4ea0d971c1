/**
 * Turns a resource's properties into `path → leaf value` pairs, the unit the contract classifies
 * and the lock records. JSON-in-string properties (redrive policies, IAM and bucket policies,
 * container definitions, provider config) are parsed and walked field by field, so a changed
 * `maxReceiveCount` is reported as that field, not as "the string differs".
 *
 * Path syntax:
 * - object fields: `a.b`, or `a["aws:SecureTransport"]` when the key is not an identifier;
 * - arrays of `{name, value}` / `{name, valueFrom}` (env vars, container secrets): `environment[BASE_URL]`;
 * - arrays of objects with a unique `name` (or `Sid`, `attributeName`): `parameters[name=timezone].value`;
 * - other arrays of objects: `[0]`; arrays of plain values are one leaf.
 */

/** Pulumi's sentinel for a value not known until the resource exists. */
export const PULUMI_UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";

/** How an unknown value is recorded and shown: never equal to any real value. */
export const UNKNOWN_VALUE = "(unknown until deployed)";
/** How a secret value is recorded and shown: its content never leaves the stack. */
export const SECRET_SHOWN = "[secret]";

/** Array element fields that identify an element independently of its position. */
const ELEMENT_KEYS = ["name", "Sid", "attributeName", "key", "id"];

/** How an asset or archive (e.g. a function's code) is recorded: present, content not compared. */
export const ASSET_SHOWN = "(asset)";

/** An asset or archive, in the wire encoding or as the SDK's deserialized object. */
function isAsset(v: unknown): boolean {
  if (typeof v !== "object" || v === null) return false;
  const o = v as Record<string, unknown>;
  return (SECRET_SIG in o && o[SECRET_SIG] !== SECRET_VALUE) || o.__pulumiAsset === true || o.__pulumiArchive === true;
}

export function isPulumiSecret(v: unknown): v is { value: unknown } {
  return typeof v === "object" && v !== null && (v as Record<string, unknown>)[SECRET_SIG] === SECRET_VALUE;
}

export function flatten(props: Record<string, unknown>): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const key of Object.keys(props).sort()) walk(props[key], fieldPath("", key), out);
  return out;
}

function walk(value: unknown, path: string, out: Map<string, unknown>): void {
  if (value === undefined) return;
  if (value === PULUMI_UNKNOWN) {
    out.set(path, UNKNOWN_VALUE);
    return;
  }
  if (isPulumiSecret(value)) {
    out.set(path, SECRET_SHOWN);
    return;
  }
  if (isAsset(value)) {
    out.set(path, ASSET_SHOWN);
    return;
  }
  const parsed = parseJsonString(value);
  if (parsed !== undefined) {
    walk(parsed, path, out);
    return;
  }
  if (Array.isArray(value)) {
    walkArray(value, path, out);
    return;
  }
  if (typeof value === "object" && value !== null) {
    const keys = Object.keys(value).sort();
    if (keys.length === 0) out.set(path, {});
    for (const key of keys) walk((value as Record<string, unknown>)[key], fieldPath(path, key), out);
    return;
  }
  out.set(path, value);
}

function walkArray(items: unknown[], path: string, out: Map<string, unknown>): void {
  const objects = items.every((i) => typeof i === "object" && i !== null && !Array.isArray(i) && !isPulumiSecret(i));
  if (items.length === 0 || !objects) {
    out.set(
      path,
      items.map((i) => (i === PULUMI_UNKNOWN ? UNKNOWN_VALUE : isPulumiSecret(i) ? SECRET_SHOWN : i)),
    );
    return;
  }
  const records = items as Record<string, unknown>[];
  if (records.every(isEnvEntry) && unique(records.map((r) => r.name))) {
    for (const r of records) walk(r.value ?? r.valueFrom, `${path}[${String(r.name)}]`, out);
    return;
  }
  const idKey = ELEMENT_KEYS.find(
    (k) => records.every((r) => typeof r[k] === "string") && unique(records.map((r) => r[k])),
  );
  records.forEach((r, i) => {
    const selector = idKey ? `${idKey}=${String(r[idKey])}` : String(i);
    walk(r, `${path}[${selector}]`, out);
  });
}

function isEnvEntry(r: Record<string, unknown>): boolean {
  const keys = Object.keys(r);
  return typeof r.name === "string" && keys.length === 2 && (keys.includes("value") || keys.includes("valueFrom"));
}

function unique(values: unknown[]): boolean {
  return new Set(values).size === values.length;
}

function fieldPath(prefix: string, key: string): string {
  const segment = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : `[${JSON.stringify(key)}]`;
  if (prefix === "") return segment;
  return segment.startsWith("[") ? `${prefix}${segment}` : `${prefix}.${segment}`;
}

/** The parsed value of a string holding a JSON object or array; undefined for any other value. */
export function parseJsonString(value: unknown): unknown {
  if (typeof value !== "string") return undefined;
  const t = value.trim();
  if (!(t.startsWith("{") && t.endsWith("}")) && !(t.startsWith("[") && t.endsWith("]"))) return undefined;
  try {
    const parsed: unknown = JSON.parse(t);
    return typeof parsed === "object" && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a leaf says "nothing set": what a provider fills in for a property the program left out. */
export function isEmptyLeaf(v: unknown): boolean {
  if (v === null || v === false || v === "" || v === 0) return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === "object" && Object.keys(v as object).length === 0;
}
