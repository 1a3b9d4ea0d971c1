/**
 * The migration runner: a Lambda that starts the `migrate` task on Fargate, waits for it, and fails the
 * deploy (the `aws.lambda.Invocation` that calls it) unless the container exited 0.
 *
 * This file is shipped as the function's code (components/migration-runner/code.ts transpiles it to
 * `index.js`), so it imports nothing but the AWS SDK the Lambda runtime provides. Everything the AWS
 * calls depend on comes in through `runMigration`'s arguments, so tests drive it with a fake ECS client.
 *
 * Lambda stops a function after its timeout, but not the Fargate task it started: a migration left
 * running unwatched, and the next deploy starting a second `migrate` beside it, is how a schema gets
 * migrated twice at once. So when the function's remaining time gets short, the runner stops the task
 * itself and fails with the task's state and stop reason.
 */
import { DescribeTasksCommand, ECSClient, RunTaskCommand, StopTaskCommand, type Failure, type Task } from "@aws-sdk/client-ecs";

/** What the `aws.lambda.Invocation` passes (components/migrations.ts). */
export interface RunnerEvent {
  readonly cluster: string;
  readonly taskDefinition: string;
  /** The task definition family: the tag that scopes the runner's `ecs:StopTask` grant. */
  readonly family: string;
  /** The container whose exit code decides. */
  readonly container: string;
  readonly subnets: string[];
  readonly securityGroups: string[];
}

/** The part of the Lambda context the runner reads. */
export interface RunnerContext {
  getRemainingTimeInMillis(): number;
}

export interface RunnerDependencies {
  readonly ecs: { send: ECSClient["send"] };
  /** How long to wait between DescribeTasks calls. @default 10 000 ms */
  readonly pollMs?: number;
  /** Time kept back to stop the task and report before Lambda's own timeout. @default 60 000 ms */
  readonly marginMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface RunnerResult {
  readonly status: "ok";
  readonly taskArn: string;
  readonly exitCode: 0;
}

/** Marks the task so that the runner's IAM policy lets it stop this family's tasks and no others. */
export const FAMILY_TAG = "parity:task-family";
export const STARTED_BY = "parity-migrations";
const POLL_MS = 10_000;
const MARGIN_MS = 60_000;

export async function runMigration(event: RunnerEvent, context: RunnerContext, deps: RunnerDependencies): Promise<RunnerResult> {
  const { ecs } = deps;
  const pollMs = deps.pollMs ?? POLL_MS;
  const marginMs = deps.marginMs ?? MARGIN_MS;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  const run = await ecs.send(
    new RunTaskCommand({
      cluster: event.cluster,
      taskDefinition: event.taskDefinition,
      launchType: "FARGATE",
      count: 1,
      startedBy: STARTED_BY,
      tags: [{ key: FAMILY_TAG, value: event.family }],
      networkConfiguration: { awsvpcConfiguration: { subnets: event.subnets, securityGroups: event.securityGroups, assignPublicIp: "DISABLED" } },
    }),
  );
  const taskArn = run.tasks?.[0]?.taskArn;
  if (!taskArn) throw new Error(`migrations did not run: ECS could not start the task (${describeFailures(run.failures)}). Nothing was migrated; fix the cause and re-run the deploy.`);

  let last: Task | undefined = run.tasks?.[0];
  for (;;) {
    if (context.getRemainingTimeInMillis() < marginMs + pollMs) return stopAndFail(ecs, event, taskArn, last);
    await sleep(pollMs);
    const described = await ecs.send(new DescribeTasksCommand({ cluster: event.cluster, tasks: [taskArn] }));
    last = described.tasks?.[0] ?? last;
    if (last?.lastStatus === "STOPPED") return outcome(event, taskArn, last);
  }
}

/** Success only when the migration container ran and exited 0. */
function outcome(event: RunnerEvent, taskArn: string, task: Task): RunnerResult {
  const container = task.containers?.find((c) => c.name === event.container) ?? task.containers?.[0];
  const exitCode = container?.exitCode;
  if (exitCode === 0) return { status: "ok", taskArn, exitCode: 0 };
  const why = [task.stopCode, task.stoppedReason, container?.reason].filter((x) => x !== undefined && x !== "").join(": ");
  if (exitCode === undefined) throw new Error(`migrations did not run: the task stopped before \`migrate\` started (${why || "no reason given"}). Task ${taskArn}.`);
  throw new Error(`migrations failed: \`migrate\` exited with code ${exitCode} (${why || "no reason given"}). Its output is in the migrate log group; task ${taskArn}.`);
}

/** Stops the task before Lambda's timeout would leave it running unwatched, then fails the deploy. */
async function stopAndFail(ecs: RunnerDependencies["ecs"], event: RunnerEvent, taskArn: string, last: Task | undefined): Promise<never> {
  const state = last?.lastStatus ?? "unknown";
  const stopped = await ecs.send(
    new StopTaskCommand({ cluster: event.cluster, task: taskArn, reason: `${STARTED_BY}: the runner ran out of time while the task was ${state}` }),
  );
  const reason = stopped.task?.stoppedReason ?? "stop requested";
  const started = state === "RUNNING" || state === "DEACTIVATING" || state === "STOPPING";
  throw new Error(
    `migrations timed out: the task was still ${state}${started ? "" : " (it never started)"} when the runner's time ran short, so the runner stopped it (${reason}). ` +
      `\`migrate\` holds a PostgreSQL advisory lock and skips what is applied, so re-running the deploy is safe; task ${taskArn}.`,
  );
}

function describeFailures(failures: Failure[] | undefined): string {
  if (!failures || failures.length === 0) return "no task and no failure reported";
  return failures.map((f) => [f.reason, f.detail, f.arn].filter(Boolean).join(" ")).join("; ");
}

let client: ECSClient | undefined;

/** The Lambda entry point (`index.handler`). */
export const handler = (event: RunnerEvent, context: RunnerContext): Promise<RunnerResult> => {
  client ??= new ECSClient({});
  return runMigration(event, context, { ecs: client });
};
