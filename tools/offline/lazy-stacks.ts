/**
 * The SDK captures `new Error().stack` for every promise it creates (leak diagnostics) and every
 * resource (source positions); under ts-node each capture is source-mapped, which was over a third
 * of a preview's CPU time. While the program runs, stacks are formatted the plain V8 way and the raw
 * call sites are kept, so the one error the engine reports can still be source-mapped afterwards.
 */

type Prepare = (err: Error, callsites: NodeJS.CallSite[]) => unknown;
const CALLSITES = Symbol("parity.callsites");

let mapped: Prepare | undefined;

export function deferSourceMapping(): void {
  mapped = Error.prepareStackTrace as Prepare | undefined;
  Error.prepareStackTrace = (err, callsites) => {
    Object.defineProperty(err, CALLSITES, { value: callsites, enumerable: false });
    return `${String(err)}${callsites.map((c) => `\n    at ${String(c)}`).join("")}`;
  };
}

/** The error's stack with TypeScript file:line positions, as the source-mapping formatter writes it. */
export function mappedStack(err: Error): string | undefined {
  void err.stack; // V8 formats lazily: make sure the call sites were recorded.
  const callsites = (err as unknown as Record<symbol, NodeJS.CallSite[] | undefined>)[CALLSITES];
  if (!callsites || !mapped) return err.stack;
  return String(mapped(err, callsites));
}
