import type { TypeModel } from "./model";

/** SNS account-level SMS preferences (Terraform docs: sns_sms_preferences: one per account and region). */

export const models: Record<string, TypeModel> = {
  "aws:sns/smsPreferences:SmsPreferences": {
    computed: () => ({ id: "aws-sns-sms-preferences" }),
  },
};
