// The two policy/ files that hold only module-level constants: the type tokens (types.ts) and the
// docs links (pack/docs.ts). Every mutant there is "static" (it runs when the module loads, before any
// test), which the other configs ignore: Stryker can test one only in a fresh test runner, against
// every test of the spec. So the spec is the two fast files that pin these constants to something
// outside the pack: test/policy/types.test.ts (each token is the type of a class of the provider's
// SDK) and test/policy/pack-layout.test.ts (each class tied to its token, every url a heading that
// exists). The rule tests would kill the same mutants in minutes each, not seconds.
import { base, outputs } from "./stryker.config.mjs";

export const STATIC_ONLY = ["policy/types.ts", "policy/pack/docs.ts"];

export default {
  ...base,
  mutate: STATIC_ONLY,
  ignoreStatic: false,
  mochaOptions: {
    ...base.mochaOptions,
    spec: ["test/policy/types.test.ts", "test/policy/pack-layout.test.ts"],
  },
  ...outputs("static"),
};
