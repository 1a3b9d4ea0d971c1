import { Policies, PolicyPackArgs } from "@pulumi/policy";
import { authHardening } from "./rules/auth-hardening";
import { declaredInputs } from "./rules/declared-inputs";
import { encryptionAtRest } from "./rules/encryption-at-rest";
import { encryptionInTransit } from "./rules/encryption-in-transit";
import { leastPrivilegeIam } from "./rules/least-privilege-iam";
import { noDatabaseEgress } from "./rules/no-database-egress";
import { noFullAdmin } from "./rules/no-full-admin";
import { noMasterSecretInServices } from "./rules/no-master-secret-in-services";
import { noPublicBucketPolicy } from "./rules/no-public-bucket-policy";
import { noPublicData } from "./rules/no-public-data";
import { noPublicIngress } from "./rules/no-public-ingress";
import { noPublicRoleTrust } from "./rules/no-public-role-trust";
import { noResetInProduction } from "./rules/no-reset-in-production";
import { noSharedCredentials } from "./rules/no-shared-credentials";
import { parityNotes } from "./rules/parity-notes";
import { productionDataProtected } from "./rules/production-data-protected";
import { queueRetryRules } from "./rules/queue-retry-rules";
import { replacementHazards } from "./rules/replacement-hazards";
import { s3AccessLogging } from "./rules/s3-access-logging";
import { scheduleTimezone } from "./rules/schedule-timezone";
import { stackParity } from "./rules/stack-parity";
import { stagingIntegrationsSimulated } from "./rules/staging-integrations-simulated";
import { stagingNoProductionData } from "./rules/staging-no-production-data";

/**
 * Every policy of the pack, in the order the SDK runs them; none is registered by import side effect.
 * Kept apart from index.ts, which serves them: tests and tools can load the rules without starting a
 * policy pack server. Each rule is one file of rules/, named as the policy is.
 */
export const policies: Policies = [
  // parity with production
  stackParity,
  parityNotes,
  replacementHazards,
  // safety
  stagingIntegrationsSimulated,
  stagingNoProductionData,
  productionDataProtected,
  queueRetryRules,
  scheduleTimezone,
  noResetInProduction,
  // security
  encryptionAtRest,
  encryptionInTransit,
  noPublicData,
  leastPrivilegeIam,
  authHardening,
  noSharedCredentials,
  noMasterSecretInServices,
  s3AccessLogging,
  // the security floor: holds whatever parity.lock.json and known-differences.yaml say
  noPublicIngress,
  noDatabaseEgress,
  noPublicBucketPolicy,
  noPublicRoleTrust,
  noFullAdmin,
  // LAST, and it must stay last (rules/declared-inputs.ts says why; a test checks it): records what
  // each resource declares (Analyze) for the stack policies above, and forgets it once they have all
  // run (AnalyzeStack runs stack policies in this order, with no hook after the last).
  declaredInputs,
];

/** The pack's name and arguments as index.ts serves them; the in-process rule harness reads the same. */
export const PACK_NAME = "parity";
export const packArgs: PolicyPackArgs = { enforcementLevel: "mandatory", policies };
