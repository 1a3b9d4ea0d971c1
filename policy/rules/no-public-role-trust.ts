import { StackValidationPolicy, validateStackResourcesOfType } from "@pulumi/policy";
import { noConfigSchema } from "../pack/config";
import { declaredView } from "../pack/floor-view";
import { publicGrants, RESTRICT_HOW } from "../pack/public-grants";
import { SECURITY_FLOOR_DOC } from "../pack/docs";
import { describeResource } from "../pack/resources";
import { IamRoleClass } from "../resource-classes";

/**
 * The security floor: what no stack may grant whatever parity.lock.json or known-differences.yaml
 * say. No role lets anyone assume it.
 */
export const noPublicRoleTrust: StackValidationPolicy = {
  name: "no-public-role-trust",
  description:
    'Security floor: no IAM role\'s trust policy (`assumeRolePolicy`) lets `*` or `{"AWS": "*"}` assume it without a condition that restricts who, whatever the lock or known differences say.',
  enforcementLevel: "mandatory",
  remediationSteps: `Trust the one service or role that needs it (\`Principal: { Service: "ecs-tasks.amazonaws.com" }\` with \`aws:SourceAccount\`, as components/trust.ts does), or add ${RESTRICT_HOW}.`,
  url: SECURITY_FLOOR_DOC,
  configSchema: noConfigSchema,
  // Bound to the class: the SDK hands it the stack's roles only, and skips it in a stack without one.
  validateStack: validateStackResourcesOfType(IamRoleClass, (_roles, args, report) => {
    for (const r of args.resources) {
      for (const g of publicGrants(declaredView(r).assumeRolePolicy)) {
        report(
          `${describeResource(r)} \`assumeRolePolicy\` ${g.where} lets anyone assume the role (${g.principal}${g.note}): any AWS account can take its permissions.`,
          r.urn,
        );
      }
    }
  }),
};
