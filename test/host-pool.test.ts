import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as path from "node:path";
import { CollectOptions, prepareJob } from "../tools/simulator/engine";
import { HostOutcome, HostPool } from "../tools/simulator/host-pool";
import type { StackSnapshot } from "../tools/simulator/snapshot";

/**
 * Program hosts that take job after job must give exactly what a fresh process gives: the program's
 * modules evaluated anew with the new job's config, a runtime store of its own, nothing kept from a
 * failed job, nothing inherited from an environment that has since changed.
 */

const ROOT = path.resolve(__dirname, "..");
const FIXTURE = path.join(__dirname, "fixtures", "preview", "program");
const TIMEOUT_MS = 60_000;

async function run(hosts: HostPool, opts: Omit<CollectOptions, "hosts">): Promise<HostOutcome> {
  const { job } = await prepareJob(opts);
  return hosts.run(job, TIMEOUT_MS);
}

function snapshotOf(outcome: HostOutcome): StackSnapshot {
  assert.equal(outcome.kind, "snapshot", `expected a snapshot, got ${JSON.stringify(outcome).slice(0, 400)}`);
  return (outcome as Extract<HostOutcome, { kind: "snapshot" }>).snapshot;
}

const names = (s: StackSnapshot) => s.resources.map((r) => r.name);

describe("program hosts (host-pool.ts)", function () {
  this.timeout(120_000);
  const fixture = { stack: "dev", root: FIXTURE, seed: "host-pool" } as const;
  // One pool for the cases below, as the suite keeps one: each case starts from its idle host.
  const pool = new HostPool(1);
  after(() => pool.close());

  it("a host that takes another job gives what a fresh host gives, in the same process", async () => {
    const fresh = await run(new HostPool(0), fixture);
    const first = await run(pool, fixture);
    const again = await run(pool, fixture);
    assert.equal(again.pid, first.pid, "the second job ran in the idle host");
    assert.notEqual(first.pid, fresh.pid);
    // Registered again from scratch: a module cache kept between jobs would register nothing.
    assert.deepEqual(snapshotOf(again), snapshotOf(fresh));
    assert.deepEqual(snapshotOf(first), snapshotOf(fresh));
  });

  it("evaluates the program anew with each job's config", async () => {
    const two = await run(pool, fixture);
    const one = await run(pool, { ...fixture, configOverrides: { "fixture:bucketCount": "1" } });
    assert.equal(one.pid, two.pid);
    assert.ok(names(snapshotOf(two)).includes("store1-bucket"));
    assert.ok(!names(snapshotOf(one)).includes("store1-bucket"), "the second job's program saw its own config");
    assert.ok(names(snapshotOf(one)).includes("store0-bucket"));
  });

  it("closes quietly over an idle host that has already exited (killed, or out of memory)", async () => {
    const own = new HostPool(1);
    const done = await run(own, fixture);
    assert.ok(done.pid);
    const exited = new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        try {
          process.kill(done.pid as number, 0);
        } catch {
          clearInterval(poll);
          resolve();
        }
      }, 20);
    });
    process.kill(done.pid as number, "SIGKILL");
    await exited;
    // Give the channel's close event its turn, as a host dying between two jobs would.
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.doesNotThrow(() => own.close());
  });

  it("ends a host whose program failed; the next job gets a fresh one and succeeds", async () => {
    const ok = await run(pool, fixture);
    const failed = await run(pool, { ...fixture, configOverrides: { "fixture:explode": "true" } });
    assert.equal(failed.kind, "failure");
    assert.equal(failed.pid, ok.pid, "the idle host took the failing job");
    assert.match(failed.kind === "failure" ? failed.failure.message : "", /fixture exploded on purpose/);
    const next = await run(pool, fixture);
    assert.notEqual(next.pid, failed.pid, "a host that failed a job takes no other");
    assert.deepEqual(snapshotOf(next), snapshotOf(ok));
  });

  it("starts another host when the environment changed since the idle one started", async () => {
    const key = "PARITY_HOST_POOL_TEST";
    try {
      const before = await run(pool, fixture);
      process.env[key] = "changed";
      const changed = await run(pool, fixture);
      assert.notEqual(changed.pid, before.pid, "a host inherits its environment once, at start");
      delete process.env[key];
      const back = await run(pool, fixture);
      assert.notEqual(back.pid, changed.pid);
    } finally {
      delete process.env[key];
    }
  });

  it("an idle host does not keep its parent alive, and ends with it", async () => {
    // A parent that keeps a host idle and then simply ends, as a test run or a watch loop does.
    const script = [
      'const { prepareJob } = require("./tools/simulator/engine");',
      'const { HostPool } = require("./tools/simulator/host-pool");',
      "const pool = new HostPool(1);",
      `prepareJob(${JSON.stringify(fixture)}).then(({ job }) => pool.run(job, 60000)).then((o) => console.log(o.kind, o.pid));`,
    ].join("\n");
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error("the parent did not exit within 60 s: an idle host kept it alive"));
      }, 60_000);
      child.on("exit", (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    assert.equal(code, 0);
    const [kind, pid] = stdout.trim().split(" ");
    assert.equal(kind, "snapshot");
    // The host got the disconnect and ended too.
    await waitUntil(() => !alive(Number(pid)), 10_000, `host ${pid} outlived its parent`);
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(done: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) assert.fail(what);
    await new Promise((r) => setTimeout(r, 50));
  }
}
