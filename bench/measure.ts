import { spawn } from "node:child_process";
import * as fs from "node:fs";

/**
 * Runs a command and measures it from outside: wall time, CPU time and the largest single process's
 * peak RSS (GNU time's "Maximum resident set size", which covers every waited-for descendant), plus
 * the peak of the whole process tree's RSS added up (sampled from /proc every 50 ms).
 */

export interface Measurement {
  readonly exitCode: number | null;
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  /** The largest single process's peak resident set, MiB. */
  readonly maxProcessRssMb: number;
  /** The whole tree's summed resident set at its sampled peak, MiB. */
  readonly peakTreeRssMb: number;
  /** The measured command's own process's peak resident set (its VmHWM, last sampled), MiB: not its children's. */
  readonly commandPeakRssMb: number;
  readonly stdout: string;
}

const TIME = "/usr/bin/time";

export function measure(command: string, args: readonly string[], cwd: string): Promise<Measurement> {
  const timed = fs.existsSync(TIME);
  const timeFile = `/tmp/parity-bench-time-${process.pid}-${Date.now()}`;
  const [cmd, argv] = timed ? [TIME, ["-o", timeFile, "-f", "%e %U %S %M", command, ...args]] : [command, [...args]];
  const started = performance.now();
  const child = spawn(cmd, argv, { cwd, stdio: ["ignore", "pipe", "ignore"], env: { ...process.env, NO_COLOR: "1" } });
  let stdout = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  let peakTree = 0;
  let commandPeak = Number.NaN;
  const sampler = setInterval(() => {
    if (!child.pid) return;
    peakTree = Math.max(peakTree, treeRssKb(child.pid));
    // Under GNU time the command is time's one child; VmHWM only grows, so the last sample is its peak so far.
    const pid = timed ? firstChild(child.pid) : child.pid;
    const hwm = pid === undefined ? Number.NaN : peakRssKb(pid);
    if (!Number.isNaN(hwm)) commandPeak = hwm;
  }, 50);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code) => {
      clearInterval(sampler);
      const wall = (performance.now() - started) / 1000;
      let cpu = Number.NaN;
      let maxRss = Number.NaN;
      if (timed) {
        const [, user, sys, rss] = fs.readFileSync(timeFile, "utf8").trim().split("\n").pop()!.split(" ").map(Number);
        fs.rmSync(timeFile, { force: true });
        cpu = user + sys;
        maxRss = rss / 1024;
      }
      resolve({
        exitCode: code,
        wallSeconds: wall,
        cpuSeconds: cpu,
        maxProcessRssMb: maxRss,
        peakTreeRssMb: peakTree / 1024,
        commandPeakRssMb: commandPeak / 1024,
        stdout,
      });
    });
  });
}

/** Summed VmRSS (KiB) of a process and all its descendants, from /proc. */
function treeRssKb(root: number): number {
  const parents = new Map<number, number>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      // The command name may contain spaces; fields after the closing parenthesis are fixed.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // The process exited between listing and reading.
    }
  }
  const inTree = (pid: number): boolean => {
    for (let p: number | undefined = pid, hops = 0; p !== undefined && p > 1 && hops < 64; p = parents.get(p), hops++) {
      if (p === root) return true;
    }
    return false;
  };
  let total = 0;
  for (const pid of parents.keys()) {
    if (!inTree(pid)) continue;
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
      total += match ? Number(match[1]) : 0;
    } catch {
      // Exited meanwhile.
    }
  }
  return total;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** CPU seconds (user + system) a live process has used so far, from /proc. */
export function processCpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // utime and stime are fields 14 and 15 of stat, in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** A live process's peak resident set so far (VmHWM), MiB, from /proc. */
export function processPeakRssMb(pid: number): number {
  return peakRssKb(pid) / 1024;
}

/** VmHWM in KiB, or NaN once the process has gone. */
function peakRssKb(pid: number): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

function firstChild(pid: number): number | undefined {
  try {
    const [first] = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(" ");
    return first ? Number(first) : undefined;
  } catch {
    return undefined;
  }
}
