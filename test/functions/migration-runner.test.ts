import * as assert from "node:assert/strict";
import * as vm from "node:vm";
import { DescribeTasksCommand, ECSClient, RunTaskCommand, StopTaskCommand, type Task } from "@aws-sdk/client-ecs";
import { AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { FAMILY_TAG, runMigration, RunnerEvent } from "../../functions/migration-runner/handler";
import { runnerJavaScript } from "../../components/migration-runner/code";
import { FAMILY_TAG as PROGRAM_FAMILY_TAG } from "../../components/migration-runner/family-tag";
import { RUNNER_TIMEOUT_SECONDS } from "../../components/migrations";

/**
 * The migration runner against a fake ECS client (aws-sdk-client-mock): the four ways a migration
 * ends, and the shipped code being this module.
 */

const TASK = "arn:aws:ecs:us-east-1:123456789012:task/parity-production/0f1e2d3c";
const event: RunnerEvent = {
  cluster: "arn:aws:ecs:us-east-1:123456789012:cluster/parity-production",
  taskDefinition: "arn:aws:ecs:us-east-1:123456789012:task-definition/parity-production-migrate:7",
  family: "parity-production-migrate",
  container: "app",
  subnets: ["subnet-a", "subnet-b"],
  securityGroups: ["sg-app"],
};

/** A Lambda context whose clock advances by one poll per sleep. */
function lambdaClock(totalMs: number) {
  let elapsed = 0;
  return {
    context: { getRemainingTimeInMillis: () => totalMs - elapsed },
    sleep: async (ms: number) => void (elapsed += ms),
  };
}

const task = (lastStatus: string, extra: Partial<Task> = {}): Task => ({ taskArn: TASK, lastStatus, ...extra });

describe("functions/migration-runner (fake ECS client)", () => {
  // Mocked in `before`, not when the file loads: mockClient patches every ECSClient until restored,
  // and other files (the moto_server test) need the real one.
  let ecs: AwsClientStub<ECSClient>;
  before(() => void (ecs = mockClient(ECSClient)));
  beforeEach(() => ecs.reset());
  after(() => ecs.restore());

  const run = (totalMs = RUNNER_TIMEOUT_SECONDS * 1000) => {
    const clock = lambdaClock(totalMs);
    return runMigration(event, clock.context, { ecs: new ECSClient({ region: "us-east-1" }), sleep: clock.sleep });
  };

  it("succeeds when `migrate` exits 0, starting one tagged Fargate task in the private subnets", async () => {
    ecs.on(RunTaskCommand).resolves({ tasks: [task("PROVISIONING")] });
    ecs
      .on(DescribeTasksCommand)
      .resolvesOnce({ tasks: [task("RUNNING")] })
      .resolves({
        tasks: [task("STOPPED", { stopCode: "EssentialContainerExited", containers: [{ name: "app", exitCode: 0 }] })],
      });
    assert.deepEqual(await run(), { status: "ok", taskArn: TASK, exitCode: 0 });
    const [call] = ecs.commandCalls(RunTaskCommand);
    assert.equal(call.args[0].input.taskDefinition, event.taskDefinition);
    assert.equal(call.args[0].input.launchType, "FARGATE");
    assert.deepEqual(call.args[0].input.tags, [{ key: FAMILY_TAG, value: event.family }]);
    assert.equal(call.args[0].input.networkConfiguration?.awsvpcConfiguration?.assignPublicIp, "DISABLED");
    assert.equal(ecs.commandCalls(StopTaskCommand).length, 0);
  });

  it("fails the deploy with the exit code and the task's reason when `migrate` exits non-zero", async () => {
    ecs.on(RunTaskCommand).resolves({ tasks: [task("PENDING")] });
    ecs.on(DescribeTasksCommand).resolves({
      tasks: [
        task("STOPPED", {
          stopCode: "EssentialContainerExited",
          stoppedReason: "Essential container in task exited",
          containers: [{ name: "app", exitCode: 3 }],
        }),
      ],
    });
    await assert.rejects(
      run(),
      /migrations failed: `migrate` exited with code 3 \(EssentialContainerExited: Essential container in task exited\).*task arn:aws:ecs/,
    );
  });

  it("fails the deploy when ECS cannot start the task, naming the failure", async () => {
    ecs
      .on(RunTaskCommand)
      .resolves({ tasks: [], failures: [{ reason: "RESOURCE:ENI", detail: "no free addresses in subnet-a" }] });
    await assert.rejects(
      run(),
      /migrations did not run: ECS could not start the task \(RESOURCE:ENI no free addresses in subnet-a\)/,
    );
    assert.equal(ecs.commandCalls(DescribeTasksCommand).length, 0);
  });

  it("fails the deploy when the task stops before `migrate` starts (image or secret not reachable)", async () => {
    ecs.on(RunTaskCommand).resolves({ tasks: [task("PROVISIONING")] });
    ecs.on(DescribeTasksCommand).resolves({
      tasks: [
        task("STOPPED", {
          stopCode: "TaskFailedToStart",
          stoppedReason: "ResourceInitializationError: unable to pull secrets",
          containers: [{ name: "app" }],
        }),
      ],
    });
    await assert.rejects(
      run(),
      /migrations did not run: the task stopped before `migrate` started \(TaskFailedToStart: ResourceInitializationError: unable to pull secrets\)/,
    );
  });

  it("stops a task that is still running when the Lambda's time runs short, and fails with the stop reason", async () => {
    ecs.on(RunTaskCommand).resolves({ tasks: [task("PENDING")] });
    ecs.on(DescribeTasksCommand).resolves({ tasks: [task("RUNNING")] });
    ecs
      .on(StopTaskCommand)
      .callsFake((input: { reason?: string }) => ({ task: task("STOPPING", { stoppedReason: input.reason }) }));
    await assert.rejects(
      run(),
      /migrations timed out: the task was still RUNNING when the runner's time ran short, so the runner stopped it \(parity-migrations: the runner ran out of time while the task was RUNNING\)/,
    );
    const stops = ecs.commandCalls(StopTaskCommand);
    assert.equal(stops.length, 1);
    assert.deepEqual([stops[0].args[0].input.cluster, stops[0].args[0].input.task], [event.cluster, TASK]);
    // Stopped with a minute to spare, never after Lambda would have killed the runner.
    const polls = ecs.commandCalls(DescribeTasksCommand).length;
    assert.ok(polls * 10 <= RUNNER_TIMEOUT_SECONDS - 60, `polled ${polls} times`);
  });

  it("stops a task that never started, saying so", async () => {
    ecs.on(RunTaskCommand).resolves({ tasks: [task("PROVISIONING")] });
    ecs.on(DescribeTasksCommand).resolves({ tasks: [task("PENDING")] });
    ecs.on(StopTaskCommand).resolves({ task: task("STOPPING", { stoppedReason: "stopped by runner" }) });
    await assert.rejects(run(120_000), /still PENDING \(it never started\)/);
    assert.equal(ecs.commandCalls(StopTaskCommand).length, 1);
  });

  it("tags tasks with the tag the program's stop permission names (family-tag.ts)", () => {
    assert.equal(FAMILY_TAG, PROGRAM_FAMILY_TAG);
  });

  it("ships this module as the function's code: CommonJS with an `index.handler` export", () => {
    const code = runnerJavaScript();
    const module = { exports: {} as Record<string, unknown> };
    const required: string[] = [];
    vm.runInNewContext(code, {
      module,
      exports: module.exports,
      require: (id: string) => (
        required.push(id),
        { ECSClient: class {}, RunTaskCommand: class {}, DescribeTasksCommand: class {}, StopTaskCommand: class {} }
      ),
    });
    assert.equal(typeof module.exports.handler, "function");
    assert.equal(typeof module.exports.runMigration, "function");
    assert.deepEqual(required, ["@aws-sdk/client-ecs"], "the Lambda runtime provides only the AWS SDK");
  });
});
