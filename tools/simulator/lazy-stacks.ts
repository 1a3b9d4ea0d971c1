import { findSourceMap, SourceMap } from "node:module";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The SDK captures `new Error().stack` for every promise it creates (leak diagnostics) and every
 * resource (source positions); source-mapping each capture was over a third of a preview's CPU
 * time. While the program runs, a stack is just its header and the raw call sites are kept, so the
 * one error the engine reports can still be mapped to `.ts` lines afterwards.
 */

type Prepare = (err: Error, callsites: NodeJS.CallSite[]) => unknown;
const CALLSITES = Symbol("parity.callsites");

let previous: Prepare | undefined;

export function deferSourceMapping(): void {
  previous = Error.prepareStackTrace as Prepare | undefined;
  Error.prepareStackTrace = (err, callsites) => {
    Object.defineProperty(err, CALLSITES, { value: callsites, enumerable: false });
    // Only the header: formatting frames is the cost being avoided (the SDK's source-position
    // capture asks for unlimited frames). The frames come back through mappedStack().
    return String(err);
  };
}

/** The error's stack with TypeScript file:line positions. */
export function mappedStack(err: Error): string | undefined {
  void err.stack; // V8 formats lazily: make sure the call sites were recorded.
  const callsites = (err as unknown as Record<symbol, NodeJS.CallSite[] | undefined>)[CALLSITES];
  if (!callsites) return err.stack;
  // Under ts-cache.js the emitted maps map; under ts-node its source-map-support formatter does.
  if (!emittedFiles() && previous) return String(previous(err, callsites));
  return `${String(err)}${callsites.map((c) => `\n    at ${mappedFrame(c)}`).join("")}`;
}

function mappedFrame(site: NodeJS.CallSite): string {
  const file = site.getFileName();
  const line = site.getLineNumber();
  const column = site.getColumnNumber();
  const map = file && line !== null && column !== null ? sourceMapOf(file) : undefined;
  const entry = map?.findEntry((line ?? 1) - 1, (column ?? 1) - 1) as
    { originalSource?: string; originalLine?: number; originalColumn?: number } | undefined;
  if (!entry?.originalSource || entry.originalLine === undefined) return String(site);
  // Sources in an inline map are relative to the compiled file's directory.
  const source = entry.originalSource.startsWith("file:")
    ? fileURLToPath(entry.originalSource)
    : path.resolve(path.dirname(file ?? ""), entry.originalSource);
  return `${site.getFunctionName() ?? "<anonymous>"} (${source}:${entry.originalLine + 1}:${(entry.originalColumn ?? 0) + 1})`;
}

const maps = new Map<string, SourceMap | undefined>();

/** The inline source map ts-cache.js emitted for a file, or the one Node collected. */
function sourceMapOf(file: string): SourceMap | undefined {
  if (maps.has(file)) return maps.get(file);
  const emitted = emittedFiles();
  const inline = /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/.exec(
    emitted?.get(file) ?? "",
  );
  const map = inline
    ? new SourceMap(JSON.parse(Buffer.from(inline[1], "base64").toString("utf8")))
    : findSourceMap(file);
  maps.set(file, map);
  return map;
}

function emittedFiles(): Map<string, string> | undefined {
  return (globalThis as Record<symbol, Map<string, string> | undefined>)[Symbol.for("parity.tsEmitted")];
}
