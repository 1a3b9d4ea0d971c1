/**
 * A mocha root hook for mutation runs only (the Stryker configs require it; `npm test` does not).
 *
 * Stryker's mocha runner switches a mutant on inside mocha's own process. The program (config/) and
 * the policy pack (policy/) run in child processes, the pack's only home, so a mutant there would
 * never be switched on and would "survive" every test. Stryker's instrumented code also reads the
 * active mutant from `__STRYKER_ACTIVE_MUTANT__` when it loads, so each run hands it to the
 * environment every child inherits.
 */
const ACTIVE_MUTANT_ENV = "__STRYKER_ACTIVE_MUTANT__";

interface StrykerContext {
  activeMutant?: string | number;
}

export const mochaHooks = {
  beforeAll(): void {
    const active = (globalThis as { __stryker__?: StrykerContext }).__stryker__?.activeMutant;
    if (active === undefined) delete process.env[ACTIVE_MUTANT_ENV];
    else process.env[ACTIVE_MUTANT_ENV] = String(active);
  },
};
