import * as fs from "fs";
import * as path from "path";
import {
  checkDeclarationScope,
  DEFAULT_KNOWN_DIFFERENCES_FILE,
  KnownDifference,
  loadKnownDifferences,
  scopeOf,
} from "../engine/known-differences";
import { DEFAULT_LOCK_FILE, lockPrints, ParityLock, readLock } from "../engine/lock";
import { ParityFilesConfig } from "./config";
import { showValue } from "../engine/show-value";

/**
 * The lock and the declared differences a policy run compares against, read once per file per
 * process: several policies read them in every AnalyzeStack call.
 */
/** Relative paths resolve from the project root (the pack's parent), wherever the CLI runs the pack. */
const PROJECT_ROOT = path.resolve(__dirname, "../..");

const cache = new Map<string, { lock?: ParityLock; known?: KnownDifference[] }>();

/**
 * A problem in a file people edit (the lock, known-differences.yaml). Its message is the whole
 * diagnosis: the policy SDK forwards an error's `stack` to the CLI, so the stack is the message alone.
 */
export class ParityFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ParityFileError";
    this.stack = message;
  }
}

function readingFile<T>(read: () => T): T {
  try {
    return read();
  } catch (e) {
    throw e instanceof ParityFileError ? e : new ParityFileError(e instanceof Error ? e.message : String(e));
  }
}

/** Whether `file` is `root` itself or below it, by path (no `..` escape, not another drive). */
function isInside(file: string, root: string): boolean {
  const rel = path.relative(root, file);
  return rel !== "" && rel !== ".." && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

/**
 * The file a policy config key names, confined to the project: the pack's config is a file anyone
 * can pass with \`--policy-pack-config\`, and the pack reads the file and quotes its problems, so
 * \`lockFile: /etc/passwd\` (or a \`..\` escape, or a symlink to outside) would show a file that
 * is none of the project's business. Missing files pass through: the reader says they are missing.
 */
export function projectFile(
  key: keyof ParityFilesConfig,
  given: string | undefined,
  fallback: string,
  root: string = PROJECT_ROOT,
): string {
  const file = path.resolve(root, given ?? fallback);
  const fix = `Fix: point \`${key}\` at a file inside the project, relative to ${root} (e.g. ${JSON.stringify(path.basename(fallback))}).`;
  if (!isInside(file, root)) {
    throw new ParityFileError(
      `policy config \`${key}\` ${showValue(given ?? fallback)} is outside the project (${root}): the pack reads only the project's own files. ${fix}`,
    );
  }
  let real: string;
  try {
    real = fs.realpathSync(file);
  } catch {
    return file;
  }
  if (!isInside(real, fs.realpathSync(root))) {
    throw new ParityFileError(
      `policy config \`${key}\` ${showValue(given ?? fallback)} is a link to a file outside the project (${root}): the pack reads only the project's own files. ${fix}`,
    );
  }
  return real;
}

export function lockFor(config: ParityFilesConfig): ParityLock {
  const file = projectFile("lockFile", config.lockFile, DEFAULT_LOCK_FILE);
  const entry = cache.get(file) ?? {};
  entry.lock ??= readingFile(() => readLock(file));
  cache.set(file, entry);
  return entry.lock;
}

/** The declarations, each checked against production's resources in the lock (see checkDeclarationScope). */
export function knownDifferencesFor(config: ParityFilesConfig): KnownDifference[] {
  const file = projectFile("knownDifferencesFile", config.knownDifferencesFile, DEFAULT_KNOWN_DIFFERENCES_FILE);
  const entry = cache.get(file) ?? {};
  entry.known ??= readingFile(() =>
    checkDeclarationScope(loadKnownDifferences(file), scopeOf(lockPrints(lockFor(config)).values()), file),
  );
  cache.set(file, entry);
  return entry.known;
}
