import { StackValidationPolicy } from "@pulumi/policy";
import { noConfigSchema } from "../pack/config";
import { attached, buckets } from "../pack/relations";
import { fsbpControl } from "../pack/docs";
import { describeResource, raw } from "../pack/resources";
import { BUCKET_TYPES, RDS_INSTANCE, S3_BUCKET_ACL_PREFIX, S3_BUCKET_PUBLIC_ACCESS_BLOCK_PREFIX } from "../types";

/** Security: nothing that holds data is reachable from the internet. */

const PUBLIC_ACLS = ["public-read", "public-read-write", "authenticated-read"];
const BLOCK_FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];

export const noPublicData: StackValidationPolicy = {
  name: "no-public-data",
  description:
    "No publicly accessible database; every bucket blocks public access (all four settings) and has no public ACL.",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Databases: `publiclyAccessible: false`; the app reaches them inside the VPC. ACLs: remove the public ACL; ownership is BucketOwnerEnforced and access goes through presigned URLs. Buckets: an `aws.s3.BucketPublicAccessBlock` with all four settings true (components/storage.ts does).",
  url: fsbpControl("s3", 8),
  configSchema: noConfigSchema,
  validateStack: (args, report) => {
    for (const r of args.resources) {
      const p = raw(r.props);
      if (r.type === RDS_INSTANCE && p.publiclyAccessible === true) {
        report(
          `${describeResource(r)} is \`publiclyAccessible\`: it gets a public address and only its password stands between the internet and the data.`,
          r.urn,
        );
      }
      if (
        (BUCKET_TYPES.includes(r.type) || r.type.startsWith(S3_BUCKET_ACL_PREFIX)) &&
        PUBLIC_ACLS.includes(String(p.acl))
      ) {
        report(`${describeResource(r)} has the public ACL \`${String(p.acl)}\`.`, r.urn);
      }
    }
    for (const b of buckets(args.resources)) {
      const blocks = attached(args.resources, b, S3_BUCKET_PUBLIC_ACCESS_BLOCK_PREFIX);
      const off = BLOCK_FLAGS.filter((f) => !blocks.some((x) => raw(x.props)[f] === true));
      if (off.length > 0) {
        report(
          `${describeResource(b)} does not block public access (${off.map((f) => `\`${f}\``).join(", ")} not true): one mistaken policy or ACL makes its objects public.`,
          b.urn,
        );
      }
    }
  },
};
