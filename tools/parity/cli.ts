import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { ParityInputError } from "./errors";
import { REPO_ROOT } from "./offline-stacks";
import { Options, USAGE, parseOptions } from "./options";
import type { ParityReport } from "./report-model";
import { renderJson } from "./render-json";
import { renderMarkdown } from "./render-markdown";
import { renderTerminal, terminalWidth, wantsColor } from "./render-terminal";
import { buildParityReport, loadKnown } from "./sources";
import { NOTES_PATH, renderStagingNotes } from "./staging-notes";

/** `npm run parity` / `npm run notes`: options in, report or notes out, exit code back. */

export interface CliIo {
  readonly stdout: { write(text: string): unknown; columns?: number; isTTY?: boolean };
  readonly stderr: { write(text: string): unknown };
  readonly env: NodeJS.ProcessEnv;
  /** The repository the offline stacks, the notes and known-differences.yaml live in. */
  readonly root?: string;
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const root = io.root ?? REPO_ROOT;
  try {
    const options = parseOptions(argv);
    if (options.help) {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const report = await buildParityReport(options, root);
    if (options.writeNotes || options.checkNotes) return notes(options, report, root, io);
    io.stdout.write(render(report, options, io));
    return report.divergent ? 1 : 0;
  } catch (err) {
    return failure(err, io);
  }
}

function render(report: ParityReport, options: Options, io: CliIo): string {
  switch (options.format) {
    case "json":
      return renderJson(report);
    case "markdown":
      return renderMarkdown(report);
    case "terminal":
      return renderTerminal(report, {
        width: options.width ?? terminalWidth(io.stdout),
        color: wantsColor(io.stdout, io.env),
      });
  }
}

function notes(options: Options, report: ParityReport, root: string, io: CliIo): number {
  const text = renderStagingNotes(loadKnown(options, root), report);
  return applyNotes(options.checkNotes ? "check" : "write", text, path.join(root, NOTES_PATH), report.divergent, io);
}

/** Writes the notes, or (`check`) compares them with the file: 1 when it is stale or missing. */
export function applyNotes(
  mode: "write" | "check",
  text: string,
  file: string,
  divergent: boolean,
  io: Pick<CliIo, "stdout" | "stderr">,
): number {
  if (mode === "check") {
    let current: string | undefined;
    try {
      current = readFileSync(file, "utf8");
    } catch {
      // A missing file is stale like any other.
    }
    if (current === text) {
      io.stdout.write(`${NOTES_PATH} is up to date.\n`);
      return 0;
    }
    const why =
      current === undefined ? "it does not exist" : "it no longer matches known-differences.yaml and the programs";
    io.stderr.write(`${file} is stale: ${why}.\nFix: run \`npm run notes\` and commit the result.\n`);
    return 1;
  }
  writeFileSync(file, text);
  io.stdout.write(`Wrote ${NOTES_PATH}.\n`);
  if (divergent) {
    io.stderr.write(
      "Note: staging also has divergent properties, which the notes do not list; run `npm run parity` to see them.\n",
    );
  }
  return 0;
}

/** Every failure the user can fix prints as a message and exit code 2; anything else is our bug. */
function failure(err: unknown, io: CliIo): number {
  if (err instanceof ParityInputError || isReportedError(err)) {
    io.stderr.write(`parity: ${(err as Error).message}\n`);
    return 2;
  }
  io.stderr.write(
    `parity: internal error (please report it):\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  return 2;
}

/** Errors other modules raise with a message written for the user (engine, known-differences loader). */
function isReportedError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return err.name === "ProgramError" || err.name === "ConfigError";
}
