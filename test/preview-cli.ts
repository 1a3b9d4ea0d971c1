import { spawn } from "node:child_process";
import * as path from "node:path";
import { main } from "../tools/preview";
import { hosts, pack } from "./policy/harness";

/** `npm run preview` for tests: in its own process exactly as people and CI run it, or its `main` in this one. */

const ROOT = path.resolve(__dirname, "..");

export interface PreviewRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Exactly what `npm run preview` runs: each stack in a fresh program host, the pack started and stopped by the CLI. */
export function previewInOwnProcess(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<PreviewRun> {
  return toolInOwnProcess("preview", args, { ...process.env, ...env });
}

/**
 * `npm run <tool>` (tools/<tool>.ts) in a process of its own with exactly `env`. With `deadlineMs`, a
 * run still going then is killed (code null): for inputs that could loop where no in-process timeout
 * reaches.
 */
export function toolInOwnProcess(
  tool: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  deadlineMs?: number,
): Promise<PreviewRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["-r", path.join(ROOT, "tools", "simulator", "ts-cache.js"), path.join(ROOT, "tools", `${tool}.ts`), ...args],
      {
        cwd: ROOT,
        env,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const kill = deadlineMs === undefined ? undefined : setTimeout(() => child.kill("SIGKILL"), deadlineMs);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(kill);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * The CLI's `main` in this process, its output captured, lent the suite's program hosts and pack
 * servers (the program and the pack still run in processes of their own, as under the CLI).
 */
export async function previewInProcess(args: readonly string[]): Promise<PreviewRun> {
  const capture = () => {
    const out = { text: "", isTTY: false, write: (chunk: string) => ((out.text += chunk), true) };
    return out;
  };
  const [stdout, stderr] = [capture(), capture()];
  const code = await main(args, stdout as unknown as NodeJS.WriteStream, stderr as unknown as NodeJS.WriteStream, {
    hosts,
    packServer: pack,
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}
