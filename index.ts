import * as aws from "@pulumi/aws";
import { loadSettings } from "./config/settings";

// Validation throws here, before any resource is registered, naming every bad key at once.
const settings = loadSettings();

// One explicit provider for every AWS resource: it pins the region and refuses any account but this
// stack's, and its default tags are how the policy pack tells staging resources from production ones.
const aws_ = new aws.Provider("aws", {
  region: settings.region as aws.Region,
  allowedAccountIds: [settings.accountId],
  defaultTags: {
    tags: {
      "parity:project": settings.project,
      "parity:environment": settings.environment,
    },
  },
});

export const baseUrl = settings.baseUrl;
export const provider = aws_.urn;
