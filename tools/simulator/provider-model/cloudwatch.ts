import { arn, type TypeModel } from "./model";

/** CloudWatch Logs (Terraform docs: cloudwatch_log_group: class STANDARD, retention 0 = never expire). */

export const models: Record<string, TypeModel> = {
  "aws:cloudwatch/logGroup:LogGroup": {
    autoname: { maxLength: 512 },
    defaults: { retentionInDays: 0, skipDestroy: false },
    computed: (r) => ({
      id: r.physical,
      arn: arn(r.env, "logs", `log-group:${r.physical}`),
      deletionProtectionEnabled: false,
      logGroupClass: "STANDARD",
    }),
  },
};
