/**
 * Root hooks for every run (`.mocharc.json` requires this file). The shared program hosts and pack
 * servers (test/policy/harness.ts) live for the whole run, so they are released once, after the last
 * file. A mutation run reruns the suite in one process per mutant; releasing after each run means no
 * snapshot, host or pack outlives the mutant it was made under.
 */
const HARNESS = require.resolve("./policy/harness");

export const mochaHooks = {
  async afterAll(): Promise<void> {
    // Only if some test loaded it: a run of unit tests never pays for loading the SDKs here.
    if (!require.cache[HARNESS]) return;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { releaseShared } = require(HARNESS) as typeof import("./policy/harness");
    await releaseShared();
  },
};
