import * as assert from "node:assert/strict";
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import * as net from "node:net";
import {
  CreateClusterCommand,
  DescribeTasksCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
} from "@aws-sdk/client-ecs";
import { runMigration } from "../../functions/migration-runner/handler";

/**
 * The runner against moto_server, a local AWS emulator, when the machine has it: the real SDK calls
 * (RunTask, DescribeTasks, StopTask) over HTTP, not a fake client. moto's tasks never stop on their own,
 * which is exactly the "Lambda time runs short" case. Started and stopped here, on 127.0.0.1 only.
 */

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url: string, deadlineMs: number): Promise<void> {
  for (const end = Date.now() + deadlineMs; Date.now() < end;) {
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`moto_server did not answer at ${url} within ${deadlineMs} ms`);
}

/** An EC2 query call to moto (no EC2 SDK needed for two calls); returns the first `<tag>` of the answer. */
async function ec2(endpoint: string, params: Record<string, string>, tag: string): Promise<string> {
  const res = await fetch(endpoint, {
    method: "POST",
    // moto routes by the credential scope; the signature itself is not checked.
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization:
        "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=0",
    },
    body: new URLSearchParams({ Version: "2016-11-15", ...params }).toString(),
  });
  const value = new RegExp(`<${tag}>([^<]+)</${tag}>`).exec(await res.text())?.[1];
  if (!value) throw new Error(`moto: ${params.Action} returned no ${tag}`);
  return value;
}

describe("functions/migration-runner (moto_server)", function () {
  this.timeout(60_000);
  let moto: ChildProcess | undefined;
  let ecs: ECSClient;
  let subnet: string;

  before(async function () {
    if (spawnSync("moto_server", ["--help"], { stdio: "ignore" }).error) {
      console.log("    moto_server is not installed: skipping the emulator test (the fake-client tests still run)");
      this.skip();
    }
    const port = await freePort();
    moto = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], {
      stdio: ["ignore", "ignore", process.env.MOTO_DEBUG ? "inherit" : "ignore"],
    });
    const endpoint = `http://127.0.0.1:${port}`;
    await waitForHttp(endpoint, 20_000);
    // awsvpc tasks need a subnet that exists.
    const vpc = await ec2(endpoint, { Action: "CreateVpc", CidrBlock: "10.30.0.0/16" }, "vpcId");
    subnet = await ec2(endpoint, { Action: "CreateSubnet", VpcId: vpc, CidrBlock: "10.30.1.0/24" }, "subnetId");
    ecs = new ECSClient({
      endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    });
  });

  after(() => {
    ecs?.destroy();
    if (moto?.pid !== undefined) moto.kill();
  });

  it("starts the task, and stops it with the runner's reason when time runs short", async () => {
    const cluster = (await ecs.send(new CreateClusterCommand({ clusterName: "parity-staging" }))).cluster?.clusterArn;
    const taskDefinition = (
      await ecs.send(
        new RegisterTaskDefinitionCommand({
          family: "parity-staging-migrate",
          // Not a FARGATE/awsvpc definition: this moto's awsvpc task start fails in its own ENI model
          // (no private DNS name). The runner still sends its Fargate launch type and awsvpc network
          // configuration; moto ignores them for a bridge-mode definition.
          networkMode: "bridge",
          cpu: "256",
          memory: "512",
          // moto sizes tasks by their containers' cpu and memory.
          containerDefinitions: [
            { name: "app", image: "app:1", command: ["migrate"], essential: true, cpu: 256, memory: 512 },
          ],
        }),
      )
    ).taskDefinition?.taskDefinitionArn;
    assert.ok(cluster && taskDefinition);
    let remaining = 90_000;
    const event = {
      cluster,
      taskDefinition,
      family: "parity-staging-migrate",
      container: "app",
      subnets: [subnet],
      securityGroups: [],
    };
    const failure = await runMigration(
      event,
      { getRemainingTimeInMillis: () => remaining },
      { ecs, sleep: async (ms) => void (remaining -= ms) },
    ).then(
      () => assert.fail("the runner returned although the task never stopped"),
      (e: Error) => e,
    );
    assert.match(failure.message, /migrations timed out: the task was still \w+/);
    const taskArn = /task (arn:aws:ecs:\S+?)\.$/.exec(failure.message)?.[1];
    assert.ok(taskArn, failure.message);
    const [task] = (await ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskArn] }))).tasks ?? [];
    assert.equal(task?.lastStatus, "STOPPED");
    assert.match(String(task?.stoppedReason), /parity-migrations: the runner ran out of time/);
    assert.equal(task?.startedBy, "parity-migrations");
  });
});
