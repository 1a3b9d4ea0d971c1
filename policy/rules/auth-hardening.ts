import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { noConfigSchema } from "../pack/config";
import { POLICIES_DOC } from "../pack/docs";
import { describeResource, isUnknown, providerEnvironment, raw } from "../pack/resources";
import { stringList } from "../pack/values";
import { CognitoUserPoolClass } from "../resource-classes";

/** Security: sign-in is hardened the same way in every stack, and MFA is on in production. */
export const authHardening: ResourceValidationPolicy = {
  name: "auth-hardening",
  description: "Cognito user pools verify email in every stack, and MFA is not OFF in production.",
  enforcementLevel: "mandatory",
  remediationSteps:
    '`autoVerifiedAttributes: ["email"]` in every stack; `mfaConfiguration: "OPTIONAL"` or `"ON"` with software tokens, the same in every stack (components/auth-clients.ts).',
  url: POLICIES_DOC,
  configSchema: noConfigSchema,
  // Bound to the class so the SDK skips other resources undecoded (see resource-classes.ts).
  validateResource: validateResourceOfType(CognitoUserPoolClass, (_props, args, report) => {
    const p = raw(args.props);
    if (!isUnknown(p.autoVerifiedAttributes) && !stringList(p.autoVerifiedAttributes).includes("email")) {
      report(
        `${describeResource(args)} does not verify email (\`autoVerifiedAttributes\` lacks \`email\`): flows that need a verified address (plan upgrades, password reset) then behave differently here than in production.`,
      );
    }
    if (
      providerEnvironment(args.provider) === "production" &&
      (p.mfaConfiguration === undefined || p.mfaConfiguration === "OFF")
    ) {
      report(
        `${describeResource(args)} has \`mfaConfiguration\` ${JSON.stringify(p.mfaConfiguration ?? "unset")} in production.`,
      );
    }
  }),
};
