import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { queueDeadLetterDefaults, QueueDeadLetterConfig, queueDeadLetterSchema, withDefaults } from "../pack/config";
import { POLICIES_DOC } from "../pack/docs";
import { describeResource, isUnknown, jsonValue, raw } from "../pack/resources";
import { isSet } from "../pack/values";
import { SQS_QUEUE, SQS_REDRIVE_ALLOW_POLICY } from "../types";

/** Safety: a job that keeps failing lands in a dead-letter queue, and a slow one is not run twice. */

/** Queues other queues send dead letters to (by ARN), or named as one. */
function deadLetterQueues(resources: readonly PolicyResource[]): Set<string> {
  const targets = new Set<string>();
  for (const q of resources.filter((r) => r.type === SQS_QUEUE)) {
    const target = (jsonValue(raw(q.props).redrivePolicy) as { deadLetterTargetArn?: unknown } | undefined)
      ?.deadLetterTargetArn;
    if (typeof target === "string") targets.add(target);
  }
  const dlqs = new Set<string>();
  for (const q of resources.filter((r) => r.type === SQS_QUEUE)) {
    const p = raw(q.props);
    // A redrive-allow policy belongs to the queue in its `queueUrl`; it also names its sources.
    const redriveAllowed = resources.some(
      (a) =>
        a.type === SQS_REDRIVE_ALLOW_POLICY &&
        ((a.propertyDependencies.queueUrl ?? []).some((d) => d.urn === q.urn) ||
          (typeof p.url === "string" && raw(a.props).queueUrl === p.url)),
    );
    if (
      (typeof p.arn === "string" && targets.has(p.arn)) ||
      redriveAllowed ||
      /-(dlq|dead-letter)(\.fifo)?$/.test(String(p.name ?? q.name))
    )
      dlqs.add(q.urn);
  }
  return dlqs;
}

export const queueRetryRules: StackValidationPolicy = {
  name: "queue-retry-rules",
  description:
    "Every SQS queue except dead-letter queues has a dead-letter queue (redrivePolicy) with enough retries, and an explicit visibility timeout.",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Build queues with the JobQueues component (components/job-queues.ts): a `redrivePolicy` with `deadLetterTargetArn` and `maxReceiveCount` = MAX_RECEIVE_COUNT, the same in every stack, and `visibilityTimeoutSeconds` = VISIBILITY_TIMEOUT_SECONDS (six job timeouts).",
  url: POLICIES_DOC,
  configSchema: queueDeadLetterSchema,
  validateStack: (args, report) => {
    const { minMaxReceiveCount } = withDefaults(queueDeadLetterDefaults, args.getConfig<QueueDeadLetterConfig>());
    const dlqs = deadLetterQueues(args.resources);
    for (const q of args.resources.filter((r) => r.type === SQS_QUEUE && !dlqs.has(r.urn))) {
      const p = raw(q.props);
      if (isUnknown(p.redrivePolicy)) continue;
      const redrive = jsonValue(p.redrivePolicy) as
        { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown } | undefined;
      if (!redrive || !isSet(redrive.deadLetterTargetArn)) {
        report(
          `${describeResource(q)} has no dead-letter queue: a job that keeps failing is retried until it expires and then silently lost.`,
          q.urn,
        );
      } else if (typeof redrive.maxReceiveCount === "number" && redrive.maxReceiveCount < minMaxReceiveCount) {
        report(
          `${describeResource(q)} moves a message to its dead-letter queue after ${redrive.maxReceiveCount} receive(s); at least ${minMaxReceiveCount} are required so a transient failure is retried.`,
          q.urn,
        );
      }
      if (p.visibilityTimeoutSeconds === undefined || p.visibilityTimeoutSeconds === null) {
        report(
          `${describeResource(q)} has no explicit \`visibilityTimeoutSeconds\`: SQS's 30 s default is shorter than the job timeout, so a slow job is handed to a second worker while it is still running.`,
          q.urn,
        );
      }
    }
  },
};
