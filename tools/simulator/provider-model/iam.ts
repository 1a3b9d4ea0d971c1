import type { TypeModel } from "./model";
import { UPPER_ALNUM } from "./seeded";

/** IAM (Terraform docs: iam_role, iam_role_policy, iam_policy). IAM is global: no `region`. */

const CREATED = "2026-01-05T09:14:27Z";

export const models: Record<string, TypeModel> = {
  "aws:iam/role:Role": {
    autoname: { maxLength: 64 },
    defaults: { forceDetachPolicies: false, maxSessionDuration: 3600, path: "/" },
    computed: (r) => ({
      id: r.physical,
      arn: `arn:${r.env.partition}:iam::${r.env.accountId}:role/${r.physical}`,
      createDate: CREATED,
      // Since aws v7 inline and managed policies live in their own resources; the role reports none.
      inlinePolicies: [],
      managedPolicyArns: [],
      uniqueId: `AROA${r.env.generated.alnum(r.key, 17, UPPER_ALNUM)}`,
    }),
  },
  "aws:iam/rolePolicy:RolePolicy": {
    autoname: { maxLength: 128 },
    computed: (r) => ({ id: `${String(r.inputs["role"])}:${r.physical}` }),
  },
  "aws:iam/policy:Policy": {
    autoname: { maxLength: 128 },
    defaults: { path: "/" },
    computed: (r) => {
      const policyArn = `arn:${r.env.partition}:iam::${r.env.accountId}:policy/${r.physical}`;
      return {
        id: policyArn,
        arn: policyArn,
        attachmentCount: 1,
        policyId: `ANPA${r.env.generated.alnum(r.key, 17, UPPER_ALNUM)}`,
      };
    },
  },
};
