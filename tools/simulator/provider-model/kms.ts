import { arn, type TypeModel } from "./model";

/** KMS (Terraform docs: kms_key, kms_alias). Key ids are UUIDs AWS assigns: drawn from the seed. */

/** The key policy AWS attaches when none is given: the account root may use the key. */
function defaultKeyPolicy(partition: string, accountId: string): string {
  return JSON.stringify({
    Id: "key-default-1",
    Statement: [
      {
        Action: "kms:*",
        Effect: "Allow",
        Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
        Resource: "*",
        Sid: "Enable IAM User Permissions",
      },
    ],
    Version: "2012-10-17",
  });
}

export const models: Record<string, TypeModel> = {
  "aws:kms/key:Key": {
    defaults: {
      bypassPolicyLockoutSafetyCheck: false,
      customerMasterKeySpec: "SYMMETRIC_DEFAULT",
      isEnabled: true,
      keyUsage: "ENCRYPT_DECRYPT",
    },
    computed: (r) => {
      const keyId = r.env.generated.uuid(r.key);
      return {
        id: keyId,
        arn: arn(r.env, "kms", `key/${keyId}`),
        enableKeyRotation: false,
        keyId,
        multiRegion: false,
        policy: defaultKeyPolicy(r.env.partition, r.env.accountId),
        rotationPeriodInDays: r.inputs["enableKeyRotation"] === true ? 365 : 0,
      };
    },
  },
  "aws:kms/alias:Alias": {
    autoname: {},
    computed: (r) => ({
      id: r.physical,
      arn: arn(r.env, "kms", r.physical),
      targetKeyArn:
        typeof r.inputs["targetKeyId"] === "string" && r.inputs["targetKeyId"].startsWith("arn:")
          ? r.inputs["targetKeyId"]
          : arn(r.env, "kms", `key/${String(r.inputs["targetKeyId"])}`),
    }),
  },
};
