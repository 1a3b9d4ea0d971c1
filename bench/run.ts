/**
 * `npm run bench`: the offline preview's speed and memory, as Markdown on stdout (`--out FILE` to keep it;
 * the committed figures are regenerated on purpose with `--out bench/results.md`).
 *
 *  1. one stack: `npm run preview -- --stack staging` (program + real pack), wall time and RSS;
 *  2. both stacks: `npm run preview -- --all` (two programs in parallel, one pack server);
 *  3. policy throughput: a staging snapshot replicated to ~5,000 resources through the analyzer
 *     protocol (Configure, Analyze per resource, AnalyzeStack), with the real pack and with the
 *     fixture pack (protocol overhead alone);
 *  4. `npm run policy` on a generated 50 MB, 19,229-resource export, against the pack's own bound
 *     (bench/policy-export.ts).
 *
 * Targets on a 2-core machine: ≤ 3 s per stack, ≤ 400 MB, ≥ 2,000 resources/s. `--runs N` (default 3); see options.ts.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildLock, serializeLock } from "../policy/engine/lock";
import { PolicyConfigInput, startPolicyPack } from "../tools/simulator/analyzer";
import { collectStack, REPO_ROOT } from "../tools/simulator/engine";
import type { StackSnapshot } from "../tools/simulator/snapshot";
import { lockInputs } from "../tools/write-lock";
import { measure, Measurement, median, processCpuSeconds } from "./measure";
import { BenchOptions, parseBenchArgs, writeResults } from "./options";
import { policyExportFigures, policyExportSection } from "./policy-export";
import { copiesFor, replicate, replicateTimes } from "./replicate";

const TARGET = { secondsPerStack: 3, rssMb: 400, resourcesPerSecond: 2000 };
const THROUGHPUT_RESOURCES = 5000;
const FIXTURE_PACK = path.join(REPO_ROOT, "test", "fixtures", "preview", "pack");
const PREVIEW = ["-r", "./tools/simulator/ts-cache.js", "tools/preview.ts"];

interface CliFigures {
  readonly label: string;
  readonly command: string;
  readonly stacks: number;
  readonly runs: readonly Measurement[];
}

interface ThroughputFigures {
  readonly pack: string;
  readonly resources: number;
  readonly verdicts: number;
  readonly mandatory: number;
  readonly totalMs: number;
  readonly analyzeMs: number;
  readonly analyzeStackMs: number;
  /** CPU seconds this process (encoding, gRPC client) and the pack process spent on the run. */
  readonly clientCpuSeconds: number;
  readonly packCpuSeconds: number;
}

async function cli(label: string, args: string[], stacks: number, runs: number): Promise<CliFigures> {
  const results: Measurement[] = [];
  for (let i = 0; i < runs; i++) {
    const m = await measure(process.execPath, [...PREVIEW, ...args, "--json"], REPO_ROOT);
    if (m.exitCode !== 0)
      throw new Error(
        `${label}: npm run preview -- ${args.join(" ")} exited ${m.exitCode}; fix the preview before benchmarking it.`,
      );
    results.push(m);
    process.stderr.write(
      `${label} run ${i + 1}: ${m.wallSeconds.toFixed(2)} s wall, ${m.cpuSeconds.toFixed(2)} s CPU, ${m.maxProcessRssMb.toFixed(0)} MiB max process\n`,
    );
  }
  return { label, command: `npm run preview -- ${args.join(" ")}`, stacks, runs: results };
}

interface ThroughputCase {
  readonly label: string;
  readonly packDir: string;
  readonly snapshot: StackSnapshot;
  readonly policyConfig?: PolicyConfigInput;
}

async function throughput(c: ThroughputCase): Promise<ThroughputFigures> {
  const { snapshot, policyConfig } = c;
  const server = await startPolicyPack(c.packDir);
  try {
    // One warm-up pass: the pack compiles its policies' code paths on first use, as it would for
    // the first stack of a real preview.
    await server.analyzeStack(replicate(snapshot, 200), policyConfig);
    const packCpu = server.pid ? processCpuSeconds(server.pid) : Number.NaN;
    const clientCpu = process.cpuUsage();
    const started = performance.now();
    const verdicts = await server.analyzeStack(snapshot, policyConfig);
    const totalMs = performance.now() - started;
    const used = process.cpuUsage(clientCpu);
    const t = server.lastTimings!;
    process.stderr.write(`${c.label}: ${snapshot.resources.length} resources in ${totalMs.toFixed(0)} ms\n`);
    return {
      pack: c.label,
      resources: snapshot.resources.length,
      verdicts: verdicts.length,
      mandatory: verdicts.filter((v) => v.enforcementLevel === "mandatory").length,
      totalMs,
      analyzeMs: t.analyzeMs,
      analyzeStackMs: t.analyzeStackMs,
      clientCpuSeconds: (used.user + used.system) / 1e6,
      packCpuSeconds: server.pid ? processCpuSeconds(server.pid) - packCpu : Number.NaN,
    };
  } finally {
    await server.close();
  }
}

/**
 * The throughput cases. The committed lock describes production's ~120 resources, so against it
 * every copy in the replicated stack is a violation (the worst case: thousands of verdicts to
 * format). The CI-shaped case compares the replicated staging stack with a lock written from
 * production replicated the same number of times, as a 5,000-resource platform would have.
 */
async function throughputCases(): Promise<ThroughputCase[]> {
  const staging = await collectStack({ stack: "staging" });
  const production = await collectStack({ stack: "production" });
  const copies = copiesFor(staging, THROUGHPUT_RESOURCES);
  const snapshot = replicateTimes(staging, copies);
  const bigProduction = replicateTimes(production, copies);
  // Inside the project (bench/.out is git-ignored): the pack reads its lock only there.
  fs.mkdirSync(path.join(REPO_ROOT, "bench", ".out"), { recursive: true });
  const dir = fs.mkdtempSync(path.join(REPO_ROOT, "bench", ".out", "parity-bench-"));
  process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
  const lockFile = path.join(dir, "parity.lock.json");
  fs.writeFileSync(lockFile, serializeLock(buildLock(bigProduction.project, lockInputs(bigProduction))));
  const files = { lockFile };
  const sameSizeLock: PolicyConfigInput = {
    "stack-parity": files,
    "parity-notes": files,
    "replacement-hazards": files,
    "no-shared-credentials": files,
  };
  const realPack = path.join(REPO_ROOT, "policy");
  return [
    { label: "policy/ (the real pack), the staging stack as it is", packDir: realPack, snapshot: staging },
    {
      label: "policy/ (the real pack), lock of the same size",
      packDir: realPack,
      snapshot,
      policyConfig: sameSizeLock,
    },
    { label: "policy/ (the real pack), committed lock: every copy undeclared", packDir: realPack, snapshot },
    { label: "fixture pack (protocol only)", packDir: FIXTURE_PACK, snapshot },
  ];
}

function verdict(ok: boolean): string {
  return ok ? "meets target" : "**misses target**";
}

function cliRows(f: CliFigures): string[] {
  const wall = median(f.runs.map((r) => r.wallSeconds));
  const cpu = median(f.runs.map((r) => r.cpuSeconds));
  const maxRss = Math.max(...f.runs.map((r) => r.maxProcessRssMb));
  const tree = Math.max(...f.runs.map((r) => r.peakTreeRssMb));
  const perStack = wall / f.stacks;
  return [
    `| ${f.label} | \`${f.command}\` | ${wall.toFixed(2)} s (${f.runs.map((r) => r.wallSeconds.toFixed(2)).join(", ")}) | ${perStack.toFixed(2)} s — ${verdict(perStack <= TARGET.secondsPerStack)} | ${cpu.toFixed(2)} s | ${maxRss.toFixed(0)} MiB — ${verdict(maxRss <= TARGET.rssMb)} | ${tree.toFixed(0)} MiB |`,
  ];
}

function throughputRow(t: ThroughputFigures): string {
  const rate = (t.resources / t.totalMs) * 1000;
  const packBound = t.resources / t.packCpuSeconds;
  return `| ${t.pack} | ${t.resources} | ${t.verdicts} (${t.mandatory} mandatory) | ${t.totalMs.toFixed(0)} ms | ${t.analyzeMs.toFixed(0)} ms | ${t.analyzeStackMs.toFixed(0)} ms | ${rate.toFixed(0)}/s — ${verdict(rate >= TARGET.resourcesPerSecond)} | ${t.clientCpuSeconds.toFixed(2)} s | ${t.packCpuSeconds.toFixed(2)} s (≤ ${packBound.toFixed(0)}/s) |`;
}

/** What the figures say about the target, in numbers from this run. */
function throughputReading(rates: readonly ThroughputFigures[]): string[] {
  const perResourceMs = (t: ThroughputFigures) => (t.packCpuSeconds * 1000) / t.resources;
  const [stack, ...rest] = rates;
  const fixture = rest[rest.length - 1];
  const needed = 1000 / TARGET.resourcesPerSecond;
  return [
    `Reading: the pack process needs ${perResourceMs(fixture).toFixed(2)} ms of CPU per resource even for the fixture pack, which judges almost nothing (gRPC and google-protobuf decoding in \`@pulumi/policy\`'s server), and ${perResourceMs(rest[0]).toFixed(2)} ms for the real pack, whose SDK decodes every resource's properties once per stack policy. ` +
      `${TARGET.resourcesPerSecond}/s needs at most ${needed.toFixed(2)} ms, so the target is out of reach of the SDK's server on this machine whatever the pack or the harness does. ` +
      `What a preview waits for: the whole evaluation of the real ${stack.resources}-resource staging stack took ${stack.totalMs.toFixed(0)} ms.`,
  ];
}

async function main(opts: BenchOptions): Promise<void> {
  const { runs } = opts;
  const loadBefore = os.loadavg();
  const one = await cli("one stack", ["--stack", "staging"], 1, runs);
  const both = await cli("both stacks", ["--all"], 2, runs);
  const rates: ThroughputFigures[] = [];
  for (const c of await throughputCases()) rates.push(await throughput(c));
  const bigExport = await policyExportFigures();
  const loadAfter = os.loadavg();

  const cpus = os.cpus();
  const lines = [
    "# Offline preview benchmark",
    "",
    `Command: \`npm run bench -- --runs ${runs}${opts.out ? ` --out ${path.relative(REPO_ROOT, opts.out)}` : ""}\`, ${new Date().toISOString()}.`,
    `Machine: ${cpus.length} × ${cpus[0]?.model.trim() ?? "unknown CPU"}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}.`,
    `Load average (1 min) before/after: ${loadBefore[0].toFixed(2)} / ${loadAfter[0].toFixed(2)} — other work on the machine inflates wall times; CPU time is the steadier figure.`,
    "",
    `Targets: ≤ ${TARGET.secondsPerStack} s per stack, ≤ ${TARGET.rssMb} MB, ≥ ${TARGET.resourcesPerSecond} resources/s.`,
    "",
    "## Preview wall time and memory",
    "",
    "Median of the runs (each run listed). Memory: the largest single process's peak RSS (GNU time), and the peak of the whole process tree (CLI + program hosts + pack) summed.",
    "",
    "| case | command | wall (median; runs) | per stack | CPU (user+sys, all processes) | largest process peak RSS | tree peak RSS |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...cliRows(one),
    ...cliRows(both),
    "",
    "## Policy evaluation throughput through the analyzer protocol",
    "",
    `The staging stack as the program builds it, then replicated to ~${THROUGHPUT_RESOURCES} resources; one Analyze call per resource (32 in flight) then one AnalyzeStack, as the CLI sends them; after a 200-resource warm-up.`,
    "",
    "CPU columns: what the harness process (request encoding, gRPC client) and the pack process (`@pulumi/policy`'s server: decoding, proxies, the policies) each spent. The pack's CPU alone bounds the throughput (resources ÷ pack CPU seconds) however fast the client is.",
    "",
    "| pack | resources | verdicts | total | Analyze (all) | AnalyzeStack | throughput | harness CPU | pack CPU (bound) |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ...rates.map(throughputRow),
    "",
    ...throughputReading(rates),
    "",
    ...policyExportSection(bigExport),
  ];
  writeResults(lines.join("\n"), opts, process.stdout);
}

let opts: BenchOptions;
try {
  opts = parseBenchArgs(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(2);
}
main(opts).catch((e) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
