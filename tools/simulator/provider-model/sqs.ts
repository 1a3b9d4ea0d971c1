import { arn, type TypeModel } from "./model";

/**
 * SQS (Terraform docs: sqs_queue). `Default:` in the schema: delay 0, maximum message size 262144,
 * retention 345600 s (4 days), receive wait 0, visibility timeout 30. AWS itself reports the data key
 * reuse period (300 s) and SSE-SQS (on unless a KMS key is set).
 */

export const models: Record<string, TypeModel> = {
  "aws:sqs/queue:Queue": {
    autoname: { maxLength: 80 },
    defaults: {
      contentBasedDeduplication: false,
      delaySeconds: 0,
      fifoQueue: false,
      maxMessageSize: 262144,
      messageRetentionSeconds: 345600,
      receiveWaitTimeSeconds: 0,
      visibilityTimeoutSeconds: 30,
    },
    computed: (r) => {
      const url = `https://sqs.${r.env.region}.amazonaws.com/${r.env.accountId}/${r.physical}`;
      return {
        id: url,
        arn: arn(r.env, "sqs", r.physical),
        kmsDataKeyReusePeriodSeconds: 300,
        sqsManagedSseEnabled: r.inputs["kmsMasterKeyId"] === undefined,
        url,
      };
    },
  },
  "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy": {
    computed: (r) => ({ id: r.inputs["queueUrl"] }),
  },
};
