import * as path from "path";
import { checkDeclarationScope, DEFAULT_KNOWN_DIFFERENCES_FILE, KnownDifference, loadKnownDifferences, scopeOf } from "./known-differences";
import { DEFAULT_LOCK_FILE, lockPrints, ParityLock, readLock } from "./lock";
import { ParityFilesConfig } from "./config";

/**
 * The lock and the declared differences a policy run compares against, read once per file per
 * process: several policies read them in every AnalyzeStack call.
 */
/** Relative paths resolve from the project root (the pack's parent), wherever the CLI runs the pack. */
const PROJECT_ROOT = path.resolve(__dirname, "..");

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

export function lockFor(config: ParityFilesConfig): ParityLock {
  const file = path.resolve(PROJECT_ROOT, config.lockFile ?? DEFAULT_LOCK_FILE);
  const entry = cache.get(file) ?? {};
  entry.lock ??= readingFile(() => readLock(file));
  cache.set(file, entry);
  return entry.lock;
}

/** The declarations, each checked against production's resources in the lock (see checkDeclarationScope). */
export function knownDifferencesFor(config: ParityFilesConfig): KnownDifference[] {
  const file = path.resolve(PROJECT_ROOT, config.knownDifferencesFile ?? DEFAULT_KNOWN_DIFFERENCES_FILE);
  const entry = cache.get(file) ?? {};
  entry.known ??= readingFile(() => checkDeclarationScope(loadKnownDifferences(file), scopeOf(lockPrints(lockFor(config)).values()), file));
  cache.set(file, entry);
  return entry.known;
}
