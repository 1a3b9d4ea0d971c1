import { parseSmokeArgs, SmokeUsageError } from "./smoke/options";
import { formatResults, runSmokeUntilPass } from "./smoke/run";

/**
 * The post-deploy smoke test: `npm run smoke -- --base-url https://staging.app.example.com`.
 * Exit 0 when every check passes, 1 when any fails, 2 when the command line is wrong.
 */

/** Where the command writes: the process's own streams, or a test's capture. */
export interface SmokeOutput {
  write(chunk: string): unknown;
}

/** The command on `argv` (no node, no script), writing where it is told: tests run it in-process. */
export async function main(
  argv: readonly string[],
  stdout: SmokeOutput = process.stdout,
  stderr: SmokeOutput = process.stderr,
): Promise<number> {
  let options;
  try {
    options = parseSmokeArgs(argv);
  } catch (error) {
    if (error instanceof SmokeUsageError) {
      stderr.write(`smoke: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const results = await runSmokeUntilPass(options, (failed, secondsLeft) =>
    stderr.write(`smoke: not yet: ${failed.map((r) => r.name).join(", ")}; retrying for up to ${secondsLeft} s\n`),
  );
  stdout.write(`${formatResults(options.baseUrl, results)}\n`);
  // A skipped check means another one failed first, so the exit status is 1 either way.
  return results.every((r) => r.ok) ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`smoke: ${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
