import { ChildProcess, fork } from "node:child_process";
import * as path from "node:path";
import type { HostFailure, HostJob, HostMessage, ParentMessage } from "./host-protocol";
import type { StackSnapshot } from "./snapshot";

/**
 * The processes that run programs (program-host.ts). Each job gets a host of its own; a host that
 * finished a job cleanly may be kept, idle, for the next one when the pool is asked to keep some
 * (`keepIdle`): a long-lived caller (the test suite, a watch loop) then pays the SDKs' load once per
 * host instead of once per stack. A one-shot CLI keeps none, so each stack runs in a fresh process
 * exactly as before.
 *
 * An idle host is reused only if this process's environment is still the one it was started with:
 * a host inherits the environment once, at start.
 */

const HOST = path.join(__dirname, "program-host.ts");
/** The `.ts` require hook every child of the offline preview starts with. */
export const TS_CACHE = path.join(__dirname, "ts-cache.js");

/** What a job came to: a snapshot, the host's own failure message, or how it ended without either. */
export type HostResult =
  | { readonly kind: "snapshot"; readonly snapshot: StackSnapshot }
  | { readonly kind: "failure"; readonly failure: HostFailure }
  | { readonly kind: "timeout" }
  | { readonly kind: "start-error"; readonly message: string }
  | { readonly kind: "exit"; readonly how: string; readonly output: string };

/** A job's result and the host process (`pid`) that ran it. */
export type HostOutcome = HostResult & { readonly pid: number | undefined };

interface Host {
  readonly child: ChildProcess;
  readonly environment: string;
  output: string;
}

export class HostPool {
  private readonly idle: Host[] = [];

  /** `keepIdle`: how many hosts may wait for another job (default 0: every host ends after its job). */
  constructor(private readonly keepIdle = 0) {}

  run(job: HostJob, timeoutMs: number): Promise<HostOutcome> {
    const host = this.take() ?? start(job.root);
    host.output = "";
    keepsParentAlive(host, true);
    return new Promise((resolve) => {
      const child = host.child;
      const settle = (outcome: HostResult) => {
        clearTimeout(timer);
        child.off("message", onMessage);
        child.off("exit", onExit);
        child.off("error", onError);
        resolve({ ...outcome, pid: child.pid });
      };
      const onMessage = (m: HostMessage) => {
        if (m.kind === "snapshot") this.release(host);
        // After a failure the host exits by itself (the message says everything): a pool that keeps
        // hosts starts a replacement now, so the next job does not wait for the SDKs to load.
        else if (this.idle.length < this.keepIdle) this.park(start(job.root));
        settle(m);
      };
      const onExit = (code: number | null, signal: string | null) =>
        settle({ kind: "exit", how: signal ?? `code ${code}`, output: host.output.trim() });
      const onError = (e: Error) => settle({ kind: "start-error", message: e.message });
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        settle({ kind: "timeout" });
      }, timeoutMs);
      child.on("message", onMessage);
      child.on("exit", onExit);
      child.on("error", onError);
      const message: ParentMessage = { kind: "job", job };
      child.send(message, (e) => e && settle({ kind: "start-error", message: e.message }));
    });
  }

  /** Ends every idle host (a busy one ends when its job does). */
  close(): void {
    for (const host of this.idle.splice(0)) disconnect(host);
  }

  /** An idle host started with this process's current environment, if any. */
  private take(): Host | undefined {
    const environment = environmentKey();
    const at = this.idle.findIndex((h) => h.environment === environment && h.child.connected);
    return at < 0 ? undefined : this.idle.splice(at, 1)[0];
  }

  private release(host: Host): void {
    if (this.keepIdle === 0 || !host.child.connected) {
      disconnect(host);
      return;
    }
    this.park(host);
  }

  private park(host: Host): void {
    // An idle host must not keep this process alive; it exits when this process does (disconnect).
    keepsParentAlive(host, false);
    this.idle.push(host);
    // The least recently used go first (a host started under an environment since changed, say).
    for (const old of this.idle.splice(0, Math.max(0, this.idle.length - this.keepIdle))) disconnect(old);
  }
}

/**
 * Ends a host by closing its channel. An idle host may have exited on its own already (killed, out of
 * memory on a loaded machine), and Node throws "IPC channel is already disconnected" for a second close.
 */
function disconnect(host: Host): void {
  if (host.child.connected) host.child.disconnect();
}

function start(cwd: string): Host {
  const child = fork(HOST, [], {
    cwd,
    // The program is compiled transpile-only, as ts-node would, but through a disk cache.
    execArgv: ["-r", TS_CACHE],
    env: process.env,
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    serialization: "advanced",
  });
  const host: Host = { child, environment: environmentKey(), output: "" };
  child.stderr?.on("data", (d: Buffer) => (host.output += d.toString()));
  child.stdout?.on("data", (d: Buffer) => (host.output += d.toString()));
  // An idle host's pipes must not keep this process alive either.
  for (const stream of [child.stdout, child.stderr]) (stream as unknown as { unref?: () => void } | null)?.unref?.();
  return host;
}

/** A busy host holds this process's event loop open (its process and IPC channel); an idle one does not. */
function keepsParentAlive(host: Host, busy: boolean): void {
  const channel = host.child.channel as { ref?: () => void; unref?: () => void } | null | undefined;
  if (busy) {
    host.child.ref();
    channel?.ref?.();
  } else {
    host.child.unref();
    channel?.unref?.();
  }
}

function environmentKey(): string {
  return JSON.stringify(Object.entries(process.env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
