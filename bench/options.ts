import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";

/**
 * `npm run bench [-- --runs N] [--out FILE]`. The figures go to stdout unless a file is named:
 * bench/results.md is tracked, so regenerating the committed figures is a deliberate
 * `--out bench/results.md`, never a side effect of measuring.
 */
export const BENCH_USAGE =
  "usage: npm run bench -- [--runs N] [--out FILE]   (figures to stdout unless --out names a file; the committed ones: --out bench/results.md)";

export interface BenchOptions {
  readonly runs: number;
  /** Absolute path to write the Markdown to; undefined: stdout only. */
  readonly out?: string;
}

export function parseBenchArgs(argv: readonly string[], cwd: string = process.cwd()): BenchOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { runs: { type: "string" }, out: { type: "string" } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${BENCH_USAGE}`, { cause: e });
  }
  const runs = values.runs === undefined ? 3 : Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error(`--runs must be a whole number of runs, 1 or more (got ${values.runs}).\n${BENCH_USAGE}`);
  return { runs, ...(values.out ? { out: path.resolve(cwd, values.out) } : {}) };
}

/** The Markdown on stdout, and in `out` when one is named. */
export function writeResults(markdown: string, opts: BenchOptions, stdout: { write(s: string): unknown }): void {
  stdout.write(markdown);
  if (!opts.out) return;
  fs.mkdirSync(path.dirname(opts.out), { recursive: true });
  fs.writeFileSync(opts.out, markdown);
  stdout.write(`Written to ${path.relative(process.cwd(), opts.out)}\n`);
}
