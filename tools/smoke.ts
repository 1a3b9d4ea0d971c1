import { parseSmokeArgs, SmokeUsageError } from "./smoke/options";
import { formatResults, runSmokeUntilPass } from "./smoke/run";

/**
 * The post-deploy smoke test: `npm run smoke -- --base-url https://staging.app.example.com`.
 * Exit 0 when every check passes, 1 when any fails, 2 when the command line is wrong.
 */
async function main(argv: readonly string[]): Promise<number> {
  let options;
  try {
    options = parseSmokeArgs(argv);
  } catch (error) {
    if (error instanceof SmokeUsageError) {
      console.error(`smoke: ${error.message}`);
      return 2;
    }
    throw error;
  }
  const results = await runSmokeUntilPass(options, (failed, secondsLeft) =>
    console.error(
      `smoke: not yet: ${failed.map((r) => r.name).join(", ")}; retrying for up to ${secondsLeft} s`,
    ),
  );
  console.log(formatResults(options.baseUrl, results));
  // A skipped check means another one failed first, so the exit status is 1 either way.
  return results.every((r) => r.ok) ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`smoke: ${(error as Error).stack ?? String(error)}`);
    process.exitCode = 1;
  },
);
