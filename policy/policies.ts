import { Policies, PolicyPackArgs } from "@pulumi/policy";
import { s3AccessLogging } from "./access-logging";
import { declaredInputs } from "./declared";
import { noFullAdmin, noPublicBucketPolicy, noPublicRoleTrust } from "./floor-access";
import { noDatabaseEgress, noPublicIngress } from "./floor-network";
import { parityNotes, stackParity } from "./parity";
import { replacementHazards } from "./replacement-hazards";
import {
  noResetInProduction,
  productionDataProtected,
  queueRetryRules,
  scheduleTimezone,
  stagingIntegrationsSimulated,
  stagingNoProductionData,
} from "./safety";
import { authHardening, encryptionAtRest, encryptionInTransit, leastPrivilegeIam, noMasterSecretInServices, noPublicData, noSharedCredentials } from "./security";

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

/** The pack's name and arguments as index.ts serves them; the in-process rule harness reads the same. */
export const PACK_NAME = "parity";
export const packArgs: PolicyPackArgs = { enforcementLevel: "mandatory", policies };
