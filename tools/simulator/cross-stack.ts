import { generatedTexts, scanSharedSecrets, SecretScan, sharedSecretMessage } from "../../policy/engine/shared-secrets";
import type { PolicyVerdict } from "./analyzer";
import type { StackSnapshot } from "./snapshot";
import { OFFLINE_SECRET_PLACEHOLDER } from "./stack-config";

/**
 * What only a run that sees several stacks can check: no secret equal in two of them. The pack sees
 * one stack per request, so `npm run preview -- --all` adds these verdicts itself, named like a policy
 * (`no-shared-secrets`), mandatory, counted in the verdict line and the exit code like the pack's.
 */

export const SHARED_SECRETS_POLICY = "no-shared-secrets";
const PACK_NAME = "parity (both stacks)";
const PRODUCTION = "production";

/** The scan of two offline snapshots: placeholders and mock-generated values are not proof either way. */
export function scanSnapshots(staging: StackSnapshot, production: StackSnapshot): SecretScan {
  return scanSharedSecrets(staging.resources, production.resources, {
    isPlaceholder: (t) => t.includes(OFFLINE_SECRET_PLACEHOLDER),
    generated: { staging: generatedTexts(staging.resources), production: generatedTexts(production.resources) },
  });
}

/** Per stack, the verdicts of comparing it with every other stack (production first, when there is one). */
export function crossStackVerdicts(snapshots: readonly StackSnapshot[]): Map<string, PolicyVerdict[]> {
  const out = new Map<string, PolicyVerdict[]>(snapshots.map((s) => [s.stack, []]));
  const ordered = [...snapshots].sort((a, b) => Number(b.stack === PRODUCTION) - Number(a.stack === PRODUCTION));
  for (let i = 0; i < ordered.length; i++) {
    for (let j = i + 1; j < ordered.length; j++) {
      const [reference, other] = [ordered[i], ordered[j]];
      const scan = scanSnapshots(other, reference);
      for (const s of scan.shared) {
        const message = sharedSecretMessage(s, other.stack, reference.stack);
        out.get(other.stack)?.push(verdict("mandatory", message, s.staging.resourceKey, other));
        out.get(reference.stack)?.push(verdict("mandatory", message, s.production.resourceKey, reference));
      }
      if (scan.unproven.length > 0) {
        const what = scan.unproven.map((u) => `${u.count} ${u.reason}`).join("; ");
        const message = `Secrets of ${other.stack} and ${reference.stack} not proven separate by this preview: ${what}. ${scan.compared} compared: ${scan.shared.length === 0 ? "each differs" : `${scan.shared.length} shared`}.`;
        for (const s of [other, reference]) out.get(s.stack)?.push(verdict("advisory", message, undefined, s));
      }
    }
  }
  return out;
}

function verdict(
  enforcementLevel: string,
  message: string,
  key: string | undefined,
  snapshot: StackSnapshot,
): PolicyVerdict {
  const urn =
    key === undefined
      ? undefined
      : snapshot.resources.find((r) => r.urn.endsWith(`::${snapshot.project}::${key}`))?.urn;
  return {
    policyPackName: PACK_NAME,
    policyName: SHARED_SECRETS_POLICY,
    enforcementLevel,
    message,
    description: "No secret or credential is equal in two stacks (checked by the tool that sees both).",
    ...(urn ? { urn } : {}),
    phase: "stack",
  };
}
