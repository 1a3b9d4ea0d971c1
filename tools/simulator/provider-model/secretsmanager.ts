import { arn, type TypeModel } from "./model";
import { LETTERS } from "./seeded";

/** Secrets Manager (Terraform docs: secretsmanager_secret, secretsmanager_secret_version). */

export const models: Record<string, TypeModel> = {
  "aws:secretsmanager/secret:Secret": {
    autoname: {},
    defaults: { forceOverwriteReplicaSecret: false, recoveryWindowInDays: 30 },
    computed: (r) => {
      // AWS appends `-` and six random characters to every secret's ARN.
      const secretArn = arn(
        r.env,
        "secretsmanager",
        `secret:${r.physical}-${r.env.generated.alnum(r.key, 6, LETTERS)}`,
      );
      return { id: secretArn, arn: secretArn, policy: "", replicas: [] };
    },
  },
  "aws:secretsmanager/secretVersion:SecretVersion": {
    computed: (r) => {
      const versionId = r.env.generated.uuid(r.key);
      return {
        id: `${String(r.inputs["secretId"])}|${versionId}`,
        arn: r.inputs["secretId"],
        versionId,
        versionStages: ["AWSCURRENT"],
      };
    },
  },
};
