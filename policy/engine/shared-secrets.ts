import { envPathOf, isSecretEnv, resourceKey } from "./contract";
import { flatten, isPulumiSecret } from "./flatten";

/**
 * "Nothing secret is shared between stacks", checked where both stacks are seen: the pack sees one
 * stack at a time, so `npm run preview -- --all` (two previews) and `npm run parity` (two programs or
 * two exports) run this. A secret is a value carrying Pulumi's secret marker first, and by name as a
 * fallback: a plain env var whose key names a credential (contract.ts `isSecretEnv`) or a property
 * whose last name is one (`password`, `clientSecret`, `privateKey`, `apiKey`, `token`).
 *
 * Values are compared in memory and never leave this module: a finding names the resources and the
 * property paths, never the value, nor any hash of it.
 */

/** Marks a secret's text inside flatten's output, so its path is known and its content kept for the comparison. */
const SENTINEL = "\u0000secret\u0000";
/** The property names that say "credential" when no marker does. */
const CREDENTIAL_LEAF = /(password|passphrase|secret|privatekey|apikey|^token)$/i;

export interface SecretHolder {
  readonly urn: string;
  readonly type: string;
  /** What the program declared: inputs, secrets still marked (plaintext, or a per-run fingerprint). */
  readonly inputs: Record<string, unknown>;
}

/** Where one secret sits: a resource and a property path (the env var's for env vars). */
export interface SecretPlace {
  readonly resourceKey: string;
  readonly resourceType: string;
  readonly path: string;
}

export interface SharedSecret {
  readonly staging: SecretPlace;
  readonly production: SecretPlace;
}

export interface SecretScan {
  /** Secrets equal in both stacks (each staging place once, with the first production place). */
  readonly shared: SharedSecret[];
  /** How many of staging's secrets were compared with production's. */
  readonly compared: number;
  /** Secrets whose separation this run cannot prove, by reason, with how many. */
  readonly unproven: { readonly reason: string; readonly count: number }[];
}

export interface ScanOptions {
  /** A value that stands in for a secret the run could not read (an offline placeholder). */
  readonly isPlaceholder?: (text: string) => boolean;
  /**
   * Values the provider generated for this stack (offline: drawn from one seed for both stacks, so
   * equal by construction of the mocks, not of the program). A secret containing one is not compared.
   */
  readonly generated?: { readonly staging: ReadonlySet<string>; readonly production: ReadonlySet<string> };
  /** A secret encrypted and unreadable here (an export's ciphertext): equal plaintexts would not compare equal. */
  readonly isEncrypted?: (text: string) => boolean;
}

interface Leaf extends SecretPlace {
  readonly text: string;
}

/** Every secret leaf of a stack's declared inputs. */
export function secretLeaves(resources: readonly SecretHolder[]): Leaf[] {
  const leaves: Leaf[] = [];
  for (const r of resources) {
    if (r.type === "pulumi:pulumi:Stack" || r.urn.split("::").length < 4) continue;
    const key = resourceKey(r.urn);
    for (const [path, leaf] of flatten(tagSecrets(r.inputs) as Record<string, unknown>)) {
      for (const v of Array.isArray(leaf) ? leaf : [leaf]) {
        if (typeof v === "string" && v.startsWith(SENTINEL)) {
          leaves.push({ resourceKey: key, resourceType: r.type, path, text: v.slice(SENTINEL.length) });
          continue;
        }
        if (typeof v !== "string" && typeof v !== "number") continue;
        const env = envPathOf(path);
        // ECS `secrets` entries hold references (ARNs) to this stack's secrets, not the secrets.
        const byName = env ? !env.secret && isSecretEnv(env.key, v) : CREDENTIAL_LEAF.test(lastName(path));
        if (byName) leaves.push({ resourceKey: key, resourceType: r.type, path, text: String(v) });
      }
    }
  }
  return leaves.filter((l) => l.text !== "" && l.text !== '""');
}

/** The secrets equal in both stacks, and what this run cannot prove. */
export function scanSharedSecrets(
  staging: readonly SecretHolder[],
  production: readonly SecretHolder[],
  opts: ScanOptions = {},
): SecretScan {
  let placeholders = 0;
  let generated = 0;
  let encrypted = 0;
  const usable = (leaves: Leaf[], own: ReadonlySet<string> | undefined) =>
    leaves.filter((l) => {
      if (opts.isPlaceholder?.(l.text)) return (placeholders++, false);
      if (opts.isEncrypted?.(l.text)) return (encrypted++, false);
      if (own && [...own].some((g) => l.text.includes(g))) return (generated++, false);
      return true;
    });
  const s = usable(secretLeaves(staging), opts.generated?.staging);
  const p = usable(secretLeaves(production), opts.generated?.production);
  const byText = new Map<string, Leaf>();
  for (const leaf of p) if (!byText.has(leaf.text)) byText.set(leaf.text, leaf);
  const shared: SharedSecret[] = [];
  for (const leaf of s) {
    const twin = byText.get(leaf.text);
    if (twin) shared.push({ staging: place(leaf), production: place(twin) });
  }
  const unproven = [
    { reason: "offline placeholders (no passphrase: the real `secure:` values were not read)", count: placeholders },
    {
      reason: "generated by the provider per stack (offline, both stacks' generated values come from one seed)",
      count: generated,
    },
    { reason: "encrypted in the export (export with `--show-secrets` to compare them)", count: encrypted },
  ].filter((u) => u.count > 0);
  return { shared, compared: s.length, unproven };
}

/** The finding for people: both places, never the value. */
export function sharedSecretMessage(s: SharedSecret, stagingStack = "staging", productionStack = "production"): string {
  return `\`${s.staging.resourceKey}\` (${s.staging.resourceType}) \`${s.staging.path}\` in ${stagingStack} holds the same secret as \`${s.production.resourceKey}\` \`${s.production.path}\` in ${productionStack}: a leaked ${stagingStack} credential would unlock ${productionStack}. Fix: give each stack its own (generate it per stack with random.RandomPassword, or set a new value with \`pulumi config set --secret --stack ${stagingStack} …\`), then rotate ${productionStack}'s.`;
}

/** The texts of what the provider computed for each resource (outputs not among its inputs). */
export function generatedTexts(
  resources: readonly {
    readonly inputs: Record<string, unknown>;
    readonly outputs: Record<string, unknown>;
    readonly custom?: boolean;
  }[],
  minLength = 8,
): Set<string> {
  const out = new Set<string>();
  // A component's (and the stack's) outputs are the program's own values, not the provider's.
  for (const r of resources.filter((x) => x.custom !== false)) {
    const declared = new Set(
      [...flatten(untag(r.inputs) as Record<string, unknown>).values()].map((v) => JSON.stringify(v)),
    );
    for (const v of flatten(untag(r.outputs) as Record<string, unknown>).values()) {
      if (typeof v === "string" && v.length >= minLength && !declared.has(JSON.stringify(v))) out.add(v);
    }
  }
  return out;
}

function place(l: Leaf): SecretPlace {
  return { resourceKey: l.resourceKey, resourceType: l.resourceType, path: l.path };
}

function lastName(path: string): string {
  return (
    path
      .split(/[.[\]"=]+/)
      .filter(Boolean)
      .pop() ?? path
  );
}

/** Secret markers replaced by a tagged text holding the secret's content. */
function tagSecrets(v: unknown): unknown {
  if (isPulumiSecret(v))
    return (
      SENTINEL + (typeof untag(v.value) === "string" ? (untag(v.value) as string) : JSON.stringify(untag(v.value)))
    );
  if (Array.isArray(v)) return v.map(tagSecrets);
  if (typeof v === "object" && v !== null)
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, tagSecrets(x)]));
  return v;
}

/** Secret markers replaced by their content. */
function untag(v: unknown): unknown {
  if (isPulumiSecret(v)) return untag(v.value);
  if (Array.isArray(v)) return v.map(untag);
  if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, untag(x)]));
  return v;
}
