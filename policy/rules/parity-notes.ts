import { StackValidationPolicy } from "@pulumi/policy";
import { UNPLACED_NOTE } from "../engine/compare";
import { declaredDifferencesSchema, DeclaredDifferencesConfig } from "../pack/config";
import { PARITY_CONTRACT_DOC } from "../pack/docs";
import { compareWithLock, elementContents, elementGroups, shown } from "../pack/parity-comparison";

/**
 * The other half of "declared differences are reported, not rejected": an advisory note per
 * declared difference and per value unknown until deployment (never counted as a match).
 */
export const parityNotes: StackValidationPolicy = {
  name: "parity-notes",
  description:
    "Notes (advisory): the declared differences this stack has from production, and values that stay unknown until deployment.",
  enforcementLevel: "advisory",
  remediationSteps:
    "Nothing, if the difference is meant: each note is a difference known-differences.yaml declares (why: docs/staging-notes.md), or a value unknown until deployment, which the update's own check proves. A value the lock cannot place: add the default under tools/simulator/provider-model and run `npm run parity:lock`, or see `npm run parity` for a setting only this stack makes.",
  url: PARITY_CONTRACT_DOC,
  configSchema: declaredDifferencesSchema,
  validateStack: (args, report) => {
    const c = compareWithLock(args.resources, args.getConfig<DeclaredDifferencesConfig>());
    for (const d of c.cmp.presence) {
      if (d.class === "declared")
        report(
          `\`${d.resourceKey}\` exists only in ${d.onlyIn === "staging" ? "this stack" : "production"}, as declared by \`${d.declaredBy}\` in known-differences.yaml.`,
          c.urnOf(d.resourceKey),
        );
    }
    for (const g of elementGroups(
      c.cmp.properties.filter((d) => d.class === "declared"),
      c.cmp.env.filter((d) => d.class === "declared"),
    )) {
      const by = g.properties[0]?.declaredBy ?? g.env[0]?.declaredBy;
      report(
        `\`${g.resourceKey}\` list element \`${g.element.path}\` exists only in ${g.element.onlyIn === "staging" ? "this stack" : "production"} (${elementContents(g)}), as declared by \`${by}\`.`,
        c.urnOf(g.resourceKey),
      );
    }
    for (const d of c.cmp.properties) {
      if (d.class === "declared" && !d.element)
        report(
          `\`${d.resourceKey}\` \`${d.path}\` is ${shown(d.path, d.staging)} here and ${shown(d.path, d.production)} in production, as declared by \`${d.declaredBy}\`.`,
          c.urnOf(d.resourceKey),
        );
      if (d.unplaced) {
        // In production it is stack-parity's finding instead: the lock is stale.
        if (!c.isProduction)
          report(
            `\`${d.resourceKey}\` \`${d.path}\` is ${shown(d.path, d.staging)} here, ${UNPLACED_NOTE}: a default the offline provider model lacks (add it under tools/simulator/provider-model and run \`npm run parity:lock\`), or a setting only this stack makes (\`npm run parity\` compares the two programs and says which).`,
            c.urnOf(d.resourceKey),
          );
      } else if (d.class === "unknown" && d.staging !== undefined) {
        // Paths beneath an unknown value are covered by the note on that value.
        report(
          `\`${d.resourceKey}\` \`${d.path}\` is unknown until deployment, so its parity with production (${shown(d.path, d.production)}) is not proven by this preview.`,
          c.urnOf(d.resourceKey),
        );
      }
    }
    for (const d of c.cmp.env) {
      if (d.class === "declared" && !d.element)
        report(
          `Env var \`${d.key}\` of \`${d.service}\` differs from production as declared by \`${d.declaredBy}\` (${d.secret ? "[secret]" : `${d.staging ?? "(not set)"} here, ${d.production ?? "(not set)"} in production`}).`,
        );
    }
  },
};
