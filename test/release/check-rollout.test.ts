import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT } from "../mocks";

const SCRIPT = path.join(ROOT, "tools", "release", "check-rollout.sh");

/**
 * tools/release/check-rollout.sh against a stand-in `aws` on PATH: the stand-in logs its arguments
 * and prints, per service, what `FAKE_ECS_<service>` says ListServiceDeployments returned.
 */
describe("release: check-rollout.sh (a rolled-back deploy fails the job)", () => {
  let bin: string;
  before(() => {
    bin = fs.mkdtempSync(path.join(os.tmpdir(), "check-rollout-"));
    const fake = [
      "#!/usr/bin/env bash",
      'echo "$*" >> "$FAKE_AWS_LOG"',
      'while [ $# -gt 0 ]; do [ "$1" = "--service" ] && service="$2"; shift; done',
      'var="FAKE_ECS_${service//-/_}"',
      'printf "%s" "${!var:-}"',
    ].join("\n");
    fs.writeFileSync(path.join(bin, "aws"), `${fake}\n`, { mode: 0o755 });
  });
  after(() => fs.rmSync(bin, { recursive: true, force: true }));

  function run(args: string[], listed: Record<string, string> = {}) {
    const log = path.join(bin, `calls-${Math.random().toString(36).slice(2)}.log`);
    fs.writeFileSync(log, "");
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}`,
      FAKE_AWS_LOG: log,
    };
    for (const [service, output] of Object.entries(listed)) env[`FAKE_ECS_${service.replace(/-/g, "_")}`] = output;
    const result = spawnSync("bash", [SCRIPT, ...args], { env, encoding: "utf8" });
    return {
      status: result.status,
      stdout: result.stdout,
      stderr: result.stderr,
      calls: fs.readFileSync(log, "utf8").trim().split("\n").filter(Boolean),
    };
  }
  const since = "2026-11-26T02:00:00Z";
  // The shape of `toJSON(steps.up.outputs)`: every stack output, plus the action's own `output`.
  const outputs = {
    output: "Updating (staging) ...",
    baseUrl: "https://staging.app.example.com",
    clusterName: "parity-staging",
    webService: "parity-staging-web",
    workerService: "parity-staging-worker",
  };
  const ok = ["--since", since, "--outputs", JSON.stringify(outputs)];

  it("passes when no deployment since the deploy started was rolled back or stopped, asking ECS about both services", () => {
    const r = run(ok);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.equal(r.calls.length, 2);
    assert.match(
      r.calls[0],
      /^ecs list-service-deployments --cluster parity-staging --service parity-staging-web --created-at after=2026-11-26T02:00:00Z --status ROLLBACK_REQUESTED ROLLBACK_IN_PROGRESS ROLLBACK_SUCCESSFUL ROLLBACK_FAILED STOPPED /,
    );
    assert.match(r.calls[1], /--service parity-staging-worker /);
    assert.match(r.stdout, /parity-staging-worker: every deployment since 2026-11-26T02:00:00Z completed/);
  });

  it("fails and names the service when the circuit breaker rolled its new tasks back", () => {
    const arn = "arn:aws:ecs:us-east-1:210987654321:service-deployment/parity-staging/parity-staging-worker/abc123";
    const r = run(ok, {
      "parity-staging-worker": `ROLLBACK_SUCCESSFUL\tECS deployment circuit breaker: tasks failed to start.\t${arn}\n`,
    });
    assert.equal(r.status, 1);
    assert.match(r.stdout, /::error title=parity-staging-worker did not roll out::/);
    assert.ok(r.stdout.includes(arn), "the rolled-back deployment is not shown");
    assert.doesNotMatch(r.stdout, /parity-staging-web did not roll out/);
    assert.equal(r.calls.length, 2, "the other service is still checked");
  });

  it("treats the CLI's `None` (an empty list in text output) as nothing rolled back", () => {
    assert.equal(run(ok, { "parity-staging-web": "None\n" }).status, 0);
  });

  it("refuses a bad start time or outputs without a service, naming what is wrong, without calling AWS", () => {
    const cases: [string[], RegExp][] = [
      [
        ["--since", "", "--outputs", JSON.stringify(outputs)],
        /--since must be a UTC time like 2026-11-26T02:00:00Z, got ``/,
      ],
      [["--since", "2026-11-26 02:00", "--outputs", JSON.stringify(outputs)], /--since must be a UTC time/],
      [
        ["--since", since, "--outputs", JSON.stringify({ ...outputs, workerService: "" })],
        /--outputs has no `workerService`/,
      ],
      [["--since", since, "--outputs", "not json"], /--outputs has no `clusterName`/],
      [["--since", since, "--outputs", JSON.stringify(outputs), "extra"], /unexpected argument `extra`/],
      [["--since"], /`--since` needs a value/],
    ];
    for (const [args, message] of cases) {
      const r = run(args);
      assert.equal(r.status, 2, `${args.join(" ")}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /usage: check-rollout\.sh --since/);
      assert.match(r.stderr, message);
      assert.equal(r.calls.length, 0);
    }
  });
});
