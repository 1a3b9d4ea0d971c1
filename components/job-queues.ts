import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { JOB_TIMEOUT_SECONDS } from "./app-environment";
import { serviceTrustPolicy, stackAccountId } from "./trust";

/** Structural retry rules: a job is tried this many times before it lands in the dead-letter queue. */
export const MAX_RECEIVE_COUNT = 5;
/**
 * A received message stays invisible for six job timeouts, so a slow job is never picked up twice
 * while it is still running (AWS's guidance for Lambda/worker consumers).
 */
export const VISIBILITY_TIMEOUT_SECONDS = JOB_TIMEOUT_SECONDS * 6;

/** A recurring job: structural, so every stack runs the same jobs at the same wall-clock time. */
export interface ScheduledJob {
  /** Logical and physical schedule name, e.g. `daily-report`. */
  readonly job: string;
  /** EventBridge Scheduler expression, read in the schedules' timezone. */
  readonly expression: string;
}

export const SCHEDULED_JOBS: readonly ScheduledJob[] = [
  { job: "daily-report", expression: "cron(0 6 * * ? *)" },
  { job: "trial-expiry", expression: "cron(0 * * * ? *)" },
  { job: "cleanup", expression: "cron(30 3 * * ? *)" },
];

export interface JobQueuesArgs {
  /** Physical name prefix, e.g. `parity-staging`: queues become `<prefix>-<queue>` and `<prefix>-<queue>-dlq`. */
  readonly namePrefix: string;
  /** Queue names from config; each gets a queue and a dead-letter queue with the same rules. */
  readonly queues: readonly string[];
  /** The one IANA timezone every schedule runs in. @default "UTC" */
  readonly scheduleTimezone?: string;
  /** The queue the schedules deliver into (must be one of `queues`). @default "jobs" */
  readonly scheduleQueue?: string;
  /** The recurring jobs. @default SCHEDULED_JOBS */
  readonly schedules?: readonly ScheduledJob[];
}

/** The redrive policy document, by field so the policy pack can compare it across stacks. */
export function redrivePolicy(deadLetterTargetArn: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.jsonStringify({ deadLetterTargetArn, maxReceiveCount: MAX_RECEIVE_COUNT });
}

/** What a scheduled job puts on the queue; the scheduled time doubles as the job's idempotency key. */
export function scheduledJobMessage(job: string): string {
  return JSON.stringify({ job, source: "schedule", idempotencyKey: `${job}:<aws.scheduler.scheduled-time>` });
}

/**
 * SQS job queues, each with a dead-letter queue, and EventBridge Scheduler schedules that deliver into
 * one of them: scheduled jobs then share the queue's retries, timeout and dead letters with every
 * other job instead of having rules of their own.
 */
export class JobQueues extends pulumi.ComponentResource {
  public readonly queues: Record<string, aws.sqs.Queue> = {};
  public readonly deadLetterQueues: Record<string, aws.sqs.Queue> = {};
  public readonly queueUrls: Record<string, pulumi.Output<string>> = {};
  public readonly queueArns: pulumi.Output<string>[] = [];
  public readonly schedules: aws.scheduler.Schedule[];
  public readonly schedulerRole: aws.iam.Role;

  constructor(name: string, args: JobQueuesArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("parity:components:JobQueues", name, {}, opts);
    const parent = this;
    const scheduleQueue = args.scheduleQueue ?? "jobs";
    checkArgs();

    for (const queue of args.queues) {
      const { main, dlq } = createQueue(queue);
      this.queues[queue] = main;
      this.deadLetterQueues[queue] = dlq;
      this.queueUrls[queue] = main.url;
      this.queueArns.push(main.arn, dlq.arn);
    }
    const target = this.queues[scheduleQueue];
    const targetDlq = this.deadLetterQueues[scheduleQueue];
    const schedulerRole = createSchedulerRole();
    const sendPolicy = allowSending();
    const group = new aws.scheduler.ScheduleGroup(`${name}-schedules`, { name: args.namePrefix }, { parent });
    const schedules = createSchedules();

    this.schedulerRole = schedulerRole;
    this.schedules = schedules;
    this.registerOutputs({ queueUrls: this.queueUrls, scheduleGroup: group.name });

    function checkArgs(): void {
      if (args.queues.length === 0) throw new Error(`JobQueues ${name}: \`queues\` must name at least one queue`);
      if (!args.queues.includes(scheduleQueue)) {
        throw new Error(
          `JobQueues ${name}: schedules deliver into \`${scheduleQueue}\`, which is not in \`queues\` (${args.queues.join(", ")}); add it to \`queues\` in Pulumi.yaml`,
        );
      }
    }

    /** A queue and its dead-letter queue, which no other queue may use for its dead letters. */
    function createQueue(queue: string): { main: aws.sqs.Queue; dlq: aws.sqs.Queue } {
      const dlq = new aws.sqs.Queue(
        `${name}-${queue}-dlq`,
        // Two weeks, SQS's maximum: time to look at a dead letter and redrive it.
        { name: `${args.namePrefix}-${queue}-dlq`, messageRetentionSeconds: 1209600, sqsManagedSseEnabled: true },
        { parent },
      );
      const main = new aws.sqs.Queue(
        `${name}-${queue}`,
        {
          name: `${args.namePrefix}-${queue}`,
          visibilityTimeoutSeconds: VISIBILITY_TIMEOUT_SECONDS,
          messageRetentionSeconds: 345600,
          receiveWaitTimeSeconds: 20,
          sqsManagedSseEnabled: true,
          redrivePolicy: redrivePolicy(dlq.arn),
        },
        { parent },
      );
      new aws.sqs.RedriveAllowPolicy(
        `${name}-${queue}-dlq-sources`,
        {
          queueUrl: dlq.url,
          redriveAllowPolicy: pulumi.jsonStringify({ redrivePermission: "byQueue", sourceQueueArns: [main.arn] }),
        },
        { parent },
      );
      return { main, dlq };
    }

    function createSchedulerRole(): aws.iam.Role {
      return new aws.iam.Role(
        `${name}-scheduler-role`,
        {
          assumeRolePolicy: serviceTrustPolicy("scheduler.amazonaws.com", stackAccountId(parent)),
          description:
            "EventBridge Scheduler: send scheduled jobs to their queue (and undeliverable ones to its dead letters)",
        },
        { parent },
      );
    }

    /** The scheduler may send to the schedules' queue and its dead letters, and to no other queue. */
    function allowSending(): aws.iam.RolePolicy {
      return new aws.iam.RolePolicy(
        `${name}-scheduler-send`,
        {
          role: schedulerRole.id,
          policy: pulumi.jsonStringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: "sqs:SendMessage", Resource: [target.arn, targetDlq.arn] }],
          }),
        },
        { parent },
      );
    }

    function createSchedules(): aws.scheduler.Schedule[] {
      return (args.schedules ?? SCHEDULED_JOBS).map(
        (s) =>
          new aws.scheduler.Schedule(
            `${name}-${s.job}`,
            {
              name: s.job,
              groupName: group.name,
              scheduleExpression: s.expression,
              scheduleExpressionTimezone: args.scheduleTimezone ?? "UTC",
              flexibleTimeWindow: { mode: "OFF" },
              state: "ENABLED",
              target: {
                arn: target.arn,
                roleArn: schedulerRole.arn,
                input: scheduledJobMessage(s.job),
                retryPolicy: { maximumEventAgeInSeconds: 3600, maximumRetryAttempts: MAX_RECEIVE_COUNT },
                deadLetterConfig: { arn: targetDlq.arn },
              },
            },
            // The role must be able to send before the first run, or that run lands in the DLQ.
            { parent, dependsOn: [sendPolicy] },
          ),
      );
    }
  }
}
