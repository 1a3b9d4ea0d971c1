import * as tsNode from "ts-node";

/**
 * Preloaded into the policy pack's process (only when the harness runs it transpile-only): the
 * SDK's run-policy-pack registers ts-node with `typeCheck: true`, which type-checks the pack against
 * every declaration it imports (~20 s with @pulumi/aws) on each start. `npm run typecheck` already
 * type-checks `policy/` in CI, so the preview compiles the pack the way the program is compiled:
 * transpile-only. The pack's files are loaded unmodified either way.
 */
const register = tsNode.register;
Object.assign(tsNode, {
  register: (opts?: Parameters<typeof register>[0]) => register({ ...(opts as object), typeCheck: false, transpileOnly: true }),
});
