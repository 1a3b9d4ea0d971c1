import { Policies } from "@pulumi/policy";
import { s3AccessLogging } from "./rules/access-logging";
import { declaredInputs } from "./pack/declared";
import { noFullAdmin, noPublicBucketPolicy, noPublicRoleTrust } from "./rules/floor-access";
import { noDatabaseEgress, noPublicIngress } from "./rules/floor-network";
import { parityNotes, stackParity } from "./rules/parity";
import { replacementHazards } from "./rules/replacement-hazards";
import {
  noResetInProduction,
  productionDataProtected,
  queueRetryRules,
  scheduleTimezone,
  stagingIntegrationsSimulated,
  stagingNoProductionData,
} from "./rules/safety";
import { authHardening, encryptionAtRest, encryptionInTransit, leastPrivilegeIam, noMasterSecretInServices, noPublicData, noSharedCredentials } from "./rules/security";

/**
 * Every policy of the pack, in the order the SDK runs them; none is registered by import side effect.
 * Kept apart from index.ts, which serves them: tests and tools can load the rules without starting a
 * policy pack server.
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
  // Last: records what each resource declares (Analyze) for the stack policies above, and forgets
  // it once they have all run (AnalyzeStack runs stack policies in this order).
  declaredInputs,
];
