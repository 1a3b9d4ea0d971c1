import { PolicyPack } from "@pulumi/policy";
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

// Every policy is listed here, none registered by import side effect: this array is the pack.
new PolicyPack("parity", {
  enforcementLevel: "mandatory",
  policies: [
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
  ],
});
