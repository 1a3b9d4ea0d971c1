// The two policy/ files that hold only module-level constants: the type tokens (types.ts) and the
// docs links (pack/docs.ts). Every mutant there is "static" (it runs when the module loads, before any
// test), which the other configs ignore: Stryker can only test one in a fresh test runner, against
// every test of the spec. So the spec is short and ordered to fail fast: the layout tests (each
// class tied to its token, every url a heading that exists) first, then the rule tests.
import { base, outputs } from "./stryker.config.mjs";

export const STATIC_ONLY = ["policy/types.ts", "policy/pack/docs.ts"];

export default {
  ...base,
  mutate: STATIC_ONLY,
  ignoreStatic: false,
  mochaOptions: {
    ...base.mochaOptions,
    spec: ["test/policy/pack-layout.test.ts", "test/policy/rules/**/*.test.ts"],
  },
  ...outputs("static"),
};
