import { StackValidationPolicy } from "@pulumi/policy";
import { noConfigSchema } from "../pack/config";
import { declaredView, strings } from "../pack/floor-view";
import { publicGrants, RESTRICT_HOW } from "../pack/public-grants";
import { SECURITY_FLOOR_DOC } from "../pack/docs";
import { describeResource } from "../pack/resources";
import { BUCKET_TYPES, S3_BUCKET_POLICY } from "../types";

/**
 * The security floor: what no stack may grant whatever parity.lock.json or known-differences.yaml
 * say. No bucket policy lets anyone in.
 */
export const noPublicBucketPolicy: StackValidationPolicy = {
  name: "no-public-bucket-policy",
  description:
    'Security floor: no bucket policy (a BucketPolicy or a bucket\'s inline `policy`) allows `*` or `{"AWS": "*"}` without a condition that restricts who, whatever the lock or known differences say.',
  enforcementLevel: "mandatory",
  remediationSteps: `Name the principal (this stack's role ARN), or add ${RESTRICT_HOW}; the app hands out objects with presigned URLs, never a public grant.`,
  url: SECURITY_FLOOR_DOC,
  configSchema: noConfigSchema,
  validateStack: (args, report) => {
    for (const r of args.resources) {
      if (r.type !== S3_BUCKET_POLICY && !BUCKET_TYPES.includes(r.type)) continue;
      for (const g of publicGrants(declaredView(r).policy)) {
        const actions =
          strings(g.s.Action)
            .map((a) => `\`${a}\``)
            .join(", ") || "(no `Action`)";
        report(
          `${describeResource(r)} \`policy\` ${g.where} allows ${actions} to anyone (${g.principal}${g.note}): every AWS account and anonymous caller on the internet gets it.`,
          r.urn,
        );
      }
    }
  },
};
