import { StackValidationPolicy } from "@pulumi/policy";
import { resourceKey } from "../engine/contract";
import { flatten } from "../engine/flatten";
import { noSharedCredentialsSchema, NoSharedCredentialsConfig } from "../pack/config";
import { lockFor } from "../pack/files";
import { SECRETS_DOC } from "../pack/docs";
import { awsProviders, raw, stackEnvironment, stringsIn } from "../pack/resources";
import { AWS_PROVIDER_TYPE } from "../types";

/** Security: no credential of staging can reach production, because nothing of staging lives in its account. */
export const noSharedCredentials: StackValidationPolicy = {
  name: "no-shared-credentials",
  description:
    "A non-production stack references nothing in production's AWS account (KMS keys, roles, secrets, user pools, OAuth clients) and runs in an account of its own.",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Give the stack its own account (`parity:awsAccountId` in its stack file) and reference only its own resources: each stack creates its own KMS keys, roles, secrets and OAuth clients, so nothing of staging can touch production.",
  url: SECRETS_DOC,
  configSchema: noSharedCredentialsSchema,
  validateStack: (args, report) => {
    const lock = lockFor(args.getConfig<NoSharedCredentialsConfig>());
    const environment = stackEnvironment(args.resources);
    const account = lock.production.accountId;
    if (environment === undefined || environment === lock.production.environment || !account) return;
    // Every AWS credential lives in an account: one of production's, whatever AWS generated for it,
    // is named by an ARN in production's account, or reached through a provider allowed into it.
    for (const p of awsProviders(args.resources)) {
      if (stringsIn(raw(p.props).allowedAccountIds).includes(account)) {
        report(
          `\`${resourceKey(p.urn)}\` (${p.type}) may deploy into production's AWS account ${account} (\`allowedAccountIds\`).`,
          p.urn,
        );
      }
    }
    for (const r of args.resources) {
      if (r.type === AWS_PROVIDER_TYPE) continue;
      const key = resourceKey(r.urn);
      for (const [path, value] of flatten(raw(r.props))) {
        for (const s of (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === "string")) {
          if (s.includes(`:${account}:`)) {
            report(
              `\`${key}\` (${r.type}) \`${path}\` points into production's AWS account ${account} (${s}): a leaked staging credential must never unlock production.`,
              r.urn,
            );
          }
        }
      }
    }
  },
};
