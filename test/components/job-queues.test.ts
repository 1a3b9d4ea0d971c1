import * as assert from "node:assert/strict";
import { JOB_TIMEOUT_SECONDS } from "../../components/app-environment";
import { JobQueues } from "../../components/job-queues";
import { Settings } from "../../config/settings";
import { json, named, ofType, parentType, promiseOf, renderStack, RenderedStack, renderBothStacks } from "../mocks";

const build = (s: Settings) =>
  new JobQueues("jobs", {
    namePrefix: `${s.project}-${s.environment}`,
    queues: s.queues,
    scheduleTimezone: s.scheduleTimezone,
  });

interface Target {
  arn: string;
  roleArn: string;
  input: string;
  retryPolicy: { maximumRetryAttempts: number };
  deadLetterConfig: { arn: string };
}

describe("components/job-queues", () => {
  const stacks = renderBothStacks(build);

  it("gives every configured queue a dead-letter queue with 5 receives and a visibility timeout above the job timeout", async () => {
    for (const r of [stacks.staging, stacks.production]) {
      assert.deepEqual(Object.keys(r.built.queues), ["jobs", "mail"]);
      for (const queue of r.settings.queues) {
        const main = named(r.resources, `jobs-${queue}`).inputs;
        const redrive = json<{ deadLetterTargetArn: string; maxReceiveCount: number }>(main.redrivePolicy);
        assert.equal(redrive.maxReceiveCount, 5);
        assert.equal(redrive.deadLetterTargetArn, await promiseOf(r.built.deadLetterQueues[queue].arn));
        assert.ok(
          Number(main.visibilityTimeoutSeconds) >= JOB_TIMEOUT_SECONDS,
          "visibility timeout below the job timeout",
        );
        assert.equal(main.sqsManagedSseEnabled, true);
        assert.equal(named(r.resources, `jobs-${queue}-dlq`).inputs.sqsManagedSseEnabled, true);
      }
      assert.ok(r.resources.filter((x) => x.custom).every((x) => parentType(x) === "parity:components:JobQueues"));
    }
    const settingsOf = (r: RenderedStack<JobQueues>) =>
      ofType(r.resources, "aws:sqs/queue:Queue").map((q) => [
        q.name,
        q.inputs.visibilityTimeoutSeconds,
        q.inputs.redrivePolicy === undefined,
      ]);
    assert.deepEqual(settingsOf(stacks.staging), settingsOf(stacks.production));
  });

  it("runs every schedule in the one configured timezone, into the jobs queue, with retries and dead letters", async () => {
    const jobsArn = await promiseOf(stacks.production.built.queues.jobs.arn);
    const dlqArn = await promiseOf(stacks.production.built.deadLetterQueues.jobs.arn);
    const schedules = ofType(stacks.production.resources, "aws:scheduler/schedule:Schedule");
    assert.deepEqual(schedules.map((s) => s.inputs.name).sort(), ["cleanup", "daily-report", "trial-expiry"]);
    for (const schedule of schedules) {
      assert.equal(schedule.inputs.scheduleExpressionTimezone, "UTC");
      const target = schedule.inputs.target as Target;
      assert.equal(target.arn, jobsArn);
      assert.equal(target.deadLetterConfig.arn, dlqArn);
      assert.equal(target.retryPolicy.maximumRetryAttempts, 5);
      assert.match(json<{ idempotencyKey: string }>(target.input).idempotencyKey, /<aws\.scheduler\.scheduled-time>/);
    }
    const expressions = (r: RenderedStack<JobQueues>) =>
      ofType(r.resources, "aws:scheduler/schedule:Schedule").map((s) => [
        s.inputs.name,
        s.inputs.scheduleExpression,
        s.inputs.scheduleExpressionTimezone,
      ]);
    assert.deepEqual(expressions(stacks.staging), expressions(stacks.production));
  });

  it("lets the scheduler role send only to the target queue and its dead letters", async () => {
    const policy = json<{ Statement: { Action: string; Resource: string[] }[] }>(
      named(stacks.production.resources, "jobs-scheduler-send").inputs.policy,
    );
    assert.equal(policy.Statement.length, 1);
    assert.equal(policy.Statement[0].Action, "sqs:SendMessage");
    assert.deepEqual(policy.Statement[0].Resource, [
      await promiseOf(stacks.production.built.queues.jobs.arn),
      await promiseOf(stacks.production.built.deadLetterQueues.jobs.arn),
    ]);
    const trust = json<{
      Statement: { Principal: { Service: string }; Condition: { StringEquals: Record<string, string> } }[];
    }>(named(stacks.production.resources, "jobs-scheduler-role").inputs.assumeRolePolicy).Statement[0];
    assert.equal(trust.Principal.Service, "scheduler.amazonaws.com");
    assert.equal(trust.Condition.StringEquals["aws:SourceAccount"], "123456789012");
  });

  it("follows the queue list and timezone it is given", async () => {
    // Structural settings change in Pulumi.yaml for every stack (a stack file may not set them), so the
    // component is given the changed settings directly.
    const r = await renderStack("staging", (s) =>
      build({ ...s, queues: ["jobs", "reports", "webhooks"], scheduleTimezone: "Europe/Berlin" }),
    );
    assert.deepEqual(
      ofType(r.resources, "aws:sqs/queue:Queue")
        .map((q) => q.inputs.name)
        .sort(),
      [
        "parity-staging-jobs",
        "parity-staging-jobs-dlq",
        "parity-staging-reports",
        "parity-staging-reports-dlq",
        "parity-staging-webhooks",
        "parity-staging-webhooks-dlq",
      ],
    );
    assert.ok(
      ofType(r.resources, "aws:scheduler/schedule:Schedule").every(
        (s) => s.inputs.scheduleExpressionTimezone === "Europe/Berlin",
      ),
    );
  });

  it("refuses schedules without their target queue", async () => {
    await assert.rejects(
      renderStack(
        "staging",
        (s) => new JobQueues("nojobs", { namePrefix: "p", queues: ["mail"], scheduleTimezone: s.scheduleTimezone }),
      ),
      /schedules deliver into `jobs`, which is not in `queues` \(mail\)/,
    );
  });
});
