/**
 * Limits AWS enforces at create time, written down so config validation and components refuse a value
 * before `pulumi up` sends it (and waits minutes for AWS to say no). Pure functions: no Pulumi, no I/O.
 * Each rule names the AWS page it comes from; the tests in test/aws-rules.test.ts pin them.
 */

/**
 * Fargate task sizes: CPU units → the memory (MiB) AWS accepts with it.
 * Source: "Task CPU and memory" in the ECS developer guide
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-cpu-memory-error.html): 256 takes
 * 512, 1024, 2048; 512 takes 1024–4096 and 1024 takes 2048–8192, both in 1024 steps; 2048 takes
 * 4096–16384 and 4096 takes 8192–30720 in 1024 steps; 8192 takes 16–60 GB in 4 GB steps and 16384
 * takes 32–120 GB in 8 GB steps (both on Linux platform 1.4.0 or later, which `LATEST` is).
 */
const FARGATE_SIZES: ReadonlyArray<readonly [cpu: number, min: number, max: number, step: number]> = [
  [256, 512, 2048, 512],
  [512, 1024, 4096, 1024],
  [1024, 2048, 8192, 1024],
  [2048, 4096, 16384, 1024],
  [4096, 8192, 30720, 1024],
  [8192, 16384, 61440, 4096],
  [16384, 32768, 122880, 8192],
];

/** CPU units Fargate accepts, smallest first. */
export const FARGATE_CPU_UNITS: readonly number[] = FARGATE_SIZES.map(([cpu]) => cpu);

/** Every memory size (MiB) Fargate accepts with `cpu` units; empty for a CPU value it does not accept. */
export function fargateMemoryOptions(cpu: number): number[] {
  const size = FARGATE_SIZES.find(([c]) => c === cpu);
  if (!size) return [];
  const [, min, max, step] = size;
  // 256 CPU units accept 512, 1024 and 2048: not a fixed step from 512, so list them as AWS does.
  if (cpu === 256) return [512, 1024, 2048];
  const out: number[] = [];
  for (let m = min; m <= max; m += step) out.push(m);
  return out;
}

/** A Fargate CPU/memory pair AWS refuses, what it accepts instead, and the nearest valid pair. */
export interface FargateSizeProblem {
  /** `cpu` is not a Fargate CPU size at all (otherwise the memory does not fit the CPU). */
  readonly cpuInvalid: boolean;
  /** What AWS accepts: CPU sizes when `cpuInvalid`, else memory in MiB (`1024–4096`, `512, 1024 or 2048`). */
  readonly accepted: string;
  /** The memory step within `accepted`, when it is a range. */
  readonly stepMb?: number;
  readonly cpu: number;
  readonly memoryMb: number;
}

/** Why AWS would refuse this task size, with the nearest size it accepts; undefined when it accepts it. */
export function fargateSizeProblem(cpu: number, memoryMb: number): FargateSizeProblem | undefined {
  const options = fargateMemoryOptions(cpu);
  if (options.length === 0) {
    // Keep the memory if some CPU size takes it, so the fix changes one key where it can.
    const cpuForMemory = FARGATE_CPU_UNITS.find((c) => fargateMemoryOptions(c).includes(memoryMb));
    const fallback = nearest(FARGATE_CPU_UNITS, cpu);
    return {
      cpuInvalid: true,
      accepted: `${FARGATE_CPU_UNITS.slice(0, -1).join(", ")} or ${FARGATE_CPU_UNITS[FARGATE_CPU_UNITS.length - 1]} CPU units`,
      cpu: cpuForMemory ?? fallback,
      memoryMb: cpuForMemory === undefined ? nearest(fargateMemoryOptions(fallback), memoryMb) : memoryMb,
    };
  }
  if (options.includes(memoryMb)) return undefined;
  const nearestMemory = nearest(options, memoryMb);
  if (options.length <= 3)
    return {
      cpuInvalid: false,
      accepted: `${options.slice(0, -1).join(", ")} or ${options[options.length - 1]}`,
      cpu,
      memoryMb: nearestMemory,
    };
  return {
    cpuInvalid: false,
    accepted: `${options[0]}–${options[options.length - 1]}`,
    stepMb: options[1] - options[0],
    cpu,
    memoryMb: nearestMemory,
  };
}

function nearest(values: readonly number[], target: number): number {
  return values.reduce((best, v) => (Math.abs(v - target) < Math.abs(best - target) ? v : best), values[0]);
}

/**
 * RDS storage autoscaling: the ceiling must exceed the allocated storage by at least 10%, or be 0
 * (autoscaling off). AWS refuses anything between with "InvalidParameterCombination: The maximum
 * allocated storage must be increased by at least 10 percent" (RDS user guide, "Managing capacity
 * automatically with Amazon RDS storage autoscaling",
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIOPS.Autoscaling.html).
 */
export function minimumStorageCeilingGb(allocatedGb: number): number {
  return Math.ceil((allocatedGb * 11) / 10);
}

export function storageCeilingProblem(allocatedGb: number, maxAllocatedGb: number): string | undefined {
  if (maxAllocatedGb === 0 || maxAllocatedGb >= minimumStorageCeilingGb(allocatedGb)) return undefined;
  return `the autoscaling ceiling must be at least 10% above \`dbAllocatedStorageGb\` (${allocatedGb} GiB), so at least ${minimumStorageCeilingGb(allocatedGb)}, or 0 to turn storage autoscaling off; RDS refuses anything between.`;
}

/**
 * S3 general purpose bucket names. Source: "General purpose bucket naming rules" in the S3 user guide
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html): 3–63 characters;
 * lower-case letters, digits, dots and hyphens; begins and ends with a letter or digit; no two adjacent
 * dots; not an IP address; not starting `xn--`, `sthree-` or `amzn-s3-demo-`; not ending `-s3alias`,
 * `--ol-s3`, `.mrap` or `--x-s3`. Names are unique across every AWS account in the partition, so a
 * name without something account-specific in it can already be taken by a stranger.
 */
export function bucketNameProblems(name: string): string[] {
  const problems: string[] = [];
  if (name.length < 3 || name.length > 63) problems.push(`is ${name.length} characters long (3–63 allowed)`);
  if (!/^[a-z0-9.-]*$/.test(name))
    problems.push("has characters other than lower-case letters, digits, dots and hyphens");
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name))
    problems.push("does not begin and end with a letter or digit");
  if (name.includes("..")) problems.push("has two adjacent dots");
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) problems.push("is formatted as an IP address");
  for (const prefix of ["xn--", "sthree-", "amzn-s3-demo-"])
    if (name.startsWith(prefix)) problems.push(`starts with the reserved prefix \`${prefix}\``);
  for (const suffix of ["-s3alias", "--ol-s3", ".mrap", "--x-s3"])
    if (name.endsWith(suffix)) problems.push(`ends with the reserved suffix \`${suffix}\``);
  return problems;
}

/**
 * A bucket name that is this account's alone: `<prefix>-<role>-<account id>`. The account id is what
 * makes it globally unique (another account cannot own it) while staying readable and stable across
 * deploys. Throws when the result breaks a naming rule.
 */
export function accountBucketName(namePrefix: string, role: string, accountId: string): string {
  const name = `${namePrefix}-${role}-${accountId}`;
  const problems = bucketNameProblems(name);
  if (problems.length > 0)
    throw new Error(
      `bucket name \`${name}\` ${problems.join("; ")}: shorten \`${namePrefix}\` or the role \`${role}\``,
    );
  return name;
}

/**
 * RDS engine versions. A major-only version (`"16"`) lets RDS pick the current default minor at create
 * time and upgrade minors itself, which is the only way a prefix works: the AWS provider documents
 * that a version prefix may be given only "if `autoMinorVersionUpgrade` is enabled" (`engineVersion`,
 * https://www.pulumi.com/registry/packages/aws/api-docs/rds/instance/). A pinned minor must be one RDS
 * still creates: RDS for PostgreSQL 16.5–16.8 could not be created from 2026-05-01 and are
 * force-upgraded after 2026-05-31 (AWS Health notice for the end of standard support of those
 * minors), after which a pinned `16.6` plans a downgrade on every update.
 */
export function engineVersionProblem(engineVersion: string, autoMinorVersionUpgrade: boolean): string | undefined {
  const majorOnly = /^\d+$/.test(engineVersion);
  if (majorOnly && !autoMinorVersionUpgrade) {
    return `engine version \`${engineVersion}\` is a major version only; the provider accepts a prefix only with \`autoMinorVersionUpgrade: true\``;
  }
  if (!majorOnly && autoMinorVersionUpgrade) {
    return `engine version \`${engineVersion}\` pins a minor version while \`autoMinorVersionUpgrade\` is true: RDS upgrades the minor and every later update plans to go back. Pin the major only (\`"${engineVersion.split(".")[0]}"\`)`;
  }
  return undefined;
}
