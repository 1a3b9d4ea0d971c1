import * as tsNode from "ts-node";

/**
 * Preloaded into the policy pack's process after ts-cache.js (unless the harness is asked to
 * type-check): the SDK's run-policy-pack registers ts-node with `typeCheck: true`, which type-checks
 * the pack against every declaration it imports (~20 s with @pulumi/aws types) on each start.
 * `npm run typecheck` already type-checks `policy/` in CI, so here ts-node's registration is skipped
 * and the pack's `.ts` files load through ts-cache.js: transpile-only, cached. The pack's files are
 * loaded unmodified either way.
 */
Object.assign(tsNode, { register: () => undefined });
