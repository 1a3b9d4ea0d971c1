import { StackValidationPolicy } from "@pulumi/policy";
import { envPathOf } from "../engine/contract";
import { flatten } from "../engine/flatten";
import {
  simulatedIntegrationsDefaults,
  SimulatedIntegrationsConfig,
  simulatedIntegrationsSchema,
  withDefaults,
} from "../pack/config";
import { POLICIES_DOC } from "../pack/docs";
import { describeResource, isProductionStack, raw, stringsIn } from "../pack/resources";

/** Safety: a staging stack never reaches real customers or money. */

const LIVE_KEY = /\b(sk|rk|pk)_live_[A-Za-z0-9]/;

export const stagingIntegrationsSimulated: StackValidationPolicy = {
  name: "staging-integrations-simulated",
  description:
    "Outside production, payments run in test mode, email is captured and SMS is logged: no live keys, no live modes.",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Configure the simulated modes outside production (payments `test`, email `capture`, SMS `log`: `paymentsMode`/`emailMode`/`smsMode` in the stack file, see Pulumi.yaml). A live payment key: `pulumi config set --secret paymentsApiKey <sk_test_...>` for the stack, then roll the live key in the provider's dashboard.",
  url: POLICIES_DOC,
  configSchema: simulatedIntegrationsSchema,
  validateStack: (args, report) => {
    if (isProductionStack(args.resources)) return;
    const { allowedModes } = withDefaults(simulatedIntegrationsDefaults, args.getConfig<SimulatedIntegrationsConfig>());
    for (const r of args.resources) {
      const props = raw(r.props);
      for (const [path, value] of flatten(props)) {
        const env = envPathOf(path);
        const allowed = env && allowedModes[env.key];
        if (env && allowed && typeof value === "string" && !allowed.includes(value)) {
          report(
            `${describeResource(r)} sets env var \`${env.key}\` to \`${value}\` in a non-production stack: this stack would reach real customers or money. Fix: set the stack's mode config to ${allowed.map((a) => `\`${a}\``).join(" or ")} (see Pulumi.yaml: paymentsMode/emailMode/smsMode).`,
            r.urn,
          );
        }
        if (/^tags(\.|\[")[^"]*mode("\])?$/i.test(path) && (value === "live" || value === "send")) {
          report(
            `${describeResource(r)} is tagged \`${path.replace(/^tags\.?/, "").replace(/^\["(.*)"\]$/, "$1")}\` = \`${value}\` in a non-production stack: the integration is live.`,
            r.urn,
          );
        }
      }
      // The key is never echoed, only what kind of key it is.
      if (stringsIn(props).some((s) => LIVE_KEY.test(s))) {
        report(
          `${describeResource(r)} holds a live payment key (\`sk_live_…\`, value not shown) in a non-production stack.`,
          r.urn,
        );
      }
    }
  },
};
