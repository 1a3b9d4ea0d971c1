import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { forgetDeclared, recordDeclared } from "../pack/declared";
import { WHAT_THE_PACK_SEES_DOC } from "../pack/docs";

/**
 * Records every resource's inputs as `Analyze` delivers them (pack/declared.ts). It never reports:
 * a policy is the only hook the SDK gives a pack into `Analyze`.
 *
 * It must be the LAST policy of the pack (policies.ts; test/policy/pack-layout.test.ts fails
 * otherwise). Its stack half forgets the run's declarations, so a later run in the same process that
 * sends no `Analyze` (a long-lived analyzer, the offline harness) falls back to outputs instead of
 * reading another run's inputs; the SDK offers no hook after the last stack policy: AnalyzeStack runs
 * the stack policies one after another in list order and then answers (@pulumi/policy server.js,
 * makeAnalyzeStackRpcFun), so only the last one runs after all the others have read the record.
 * Disabling it through policy config makes the stack policies compare outputs only.
 */
export const declaredInputs: ResourceValidationPolicy & Pick<StackValidationPolicy, "validateStack"> = {
  name: "declared-inputs",
  description:
    "Records what the program declares for each resource (Analyze's checked inputs; provider defaults are dropped where they are read) so the stack policies compare declarations, not provider-filled outputs. Never reports.",
  enforcementLevel: "advisory",
  remediationSteps:
    "Nothing to fix: it never reports. Keep it enabled and last in policies.ts, or the stack policies compare provider-filled outputs.",
  url: WHAT_THE_PACK_SEES_DOC,
  validateResource: (args) => {
    recordDeclared(args.urn, args.props);
  },
  validateStack: () => {
    forgetDeclared();
  },
};
