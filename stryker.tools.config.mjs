// tools/ (`npm run mutate:tools`): the offline CLI's stack files, the parity report and the smoke
// checks. Their tests run programs and CLIs in child processes (see `withChildProcesses`); per-test
// coverage still sees the code the tests call in mocha's own process, which is where most of tools/ runs.
import { base, outputs, withChildProcesses } from "./stryker.config.mjs";

export default {
  ...base,
  mutate: ["tools/simulator/stack-config.ts", "tools/parity/**/*.ts", "tools/smoke/checks.ts"],
  mochaOptions: {
    ...base.mochaOptions,
    spec: [
      "test/stack-file-errors.test.ts",
      "test/passphrase.test.ts",
      "test/engine.test.ts",
      "test/stack-config.test.ts",
      "test/smoke.test.ts",
      "test/smoke-checks.test.ts",
      "test/parity-report*.test.ts",
      "test/stack-export.test.ts",
    ],
    ...withChildProcesses,
  },
  ...outputs("tools"),
};
