import { StackValidationPolicy } from "@pulumi/policy";
import { printStack, sameValue, showValue } from "./compare";
import { replacementHazard, resourceKey } from "./contract";
import { replacementHazardsSchema, ReplacementHazardsConfig } from "./config";
import { lockFor } from "./files";
import { UNKNOWN_VALUE } from "./flatten";
import { comparable, describeResource, raw, stackEnvironment } from "./resources";

/**
 * Replacement hazards: changes that make AWS destroy a stateful resource and create a new one.
 * They are legal in code and look small in a diff, so the pack names them (and what they destroy)
 * before they reach production. Two checks apply to every stack because they replace on *every*
 * run: a KMS alias ARN as an RDS key, and Cognito string attributes without length constraints.
 */

const FIX_CHANGE = "Fix: revert the change; if it is really needed, plan it as a migration (snapshot or export, create the new resource beside the old one, move the data and traffic, then remove the old one), then run `npm run parity:lock` so reviewers see it";

export const replacementHazards: StackValidationPolicy = {
  name: "replacement-hazards",
  description: "Production changes that make AWS replace a database or user pool (RDS engine, dbName, username, identifier, storage encryption, KMS key, AZ; Cognito schemas, username and alias attributes) are named with what they destroy.",
  enforcementLevel: "mandatory",
  configSchema: replacementHazardsSchema,
  validateStack: (args, report) => {
    for (const r of args.resources) {
      const props = raw(r.props);
      if (r.type === "aws:rds/instance:Instance" && typeof props.kmsKeyId === "string" && /:alias\//.test(props.kmsKeyId)) {
        report(`${describeResource(r)} uses a KMS alias ARN as \`kmsKeyId\` (${props.kmsKeyId}): AWS stores the key's ARN, so every run sees a change and plans to replace the database, destroying ${replacementHazard(r.type, "kmsKeyId")?.destroys}. Fix: pass the key's ARN (\`key.arn\`), not the alias's.`, r.urn);
      }
      if (r.type === "aws:cognito/userPool:UserPool" && Array.isArray(props.schemas)) {
        for (const a of props.schemas as Record<string, unknown>[]) {
          if (a?.attributeDataType === "String" && !a.stringAttributeConstraints) {
            report(`${describeResource(r)} schema attribute \`${String(a.name)}\` is a String without \`stringAttributeConstraints\`: AWS reports constraints back, so every run plans to re-create the pool, destroying ${replacementHazard(r.type, "schemas")?.destroys}. Fix: give it \`stringAttributeConstraints: { minLength: "0", maxLength: "2048" }\` (or the real limits).`, r.urn);
          }
        }
      }
    }
    if (stackEnvironment(args.resources) !== "production") return;
    const config = args.getConfig<ReplacementHazardsConfig>();
    const lock = lockFor(config);
    const stack = comparable(args.resources);
    const prints = printStack(stack);
    for (const r of stack) {
      const key = resourceKey(r.urn);
      const locked = lock.resources[key];
      const print = prints.get(key);
      if (!locked || !print) continue;
      const paths = new Set([...Object.keys(locked.properties), ...Object.keys(print.properties)].filter((p) => replacementHazard(r.type, p)));
      for (const p of [...paths].sort()) {
        const now = print.properties[p];
        const before = locked.properties[p];
        if (now === UNKNOWN_VALUE || before === UNKNOWN_VALUE || sameValue(now, before)) continue;
        const hazard = replacementHazard(r.type, p);
        report(`\`${key}\` (${r.type}) \`${p}\` changes from ${showValue(before)} (parity.lock.json) to ${showValue(now)}: AWS replaces the resource, destroying ${hazard?.destroys}. ${FIX_CHANGE}.`, r.urn);
      }
    }
  },
};
