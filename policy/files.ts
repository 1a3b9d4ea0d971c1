import * as path from "path";
import { KnownDifference, DEFAULT_KNOWN_DIFFERENCES_FILE, loadKnownDifferences } from "./known-differences";
import { DEFAULT_LOCK_FILE, ParityLock, readLock } from "./lock";
import { ParityFilesConfig } from "./config";

/**
 * The lock and the declared differences a policy run compares against, read once per file per
 * process: several policies read them in every AnalyzeStack call.
 */
/** Relative paths resolve from the project root (the pack's parent), wherever the CLI runs the pack. */
const PROJECT_ROOT = path.resolve(__dirname, "..");

const cache = new Map<string, { lock?: ParityLock; known?: KnownDifference[] }>();

export function lockFor(config: ParityFilesConfig): ParityLock {
  const file = path.resolve(PROJECT_ROOT, config.lockFile ?? DEFAULT_LOCK_FILE);
  const entry = cache.get(file) ?? {};
  entry.lock ??= readLock(file);
  cache.set(file, entry);
  return entry.lock;
}

export function knownDifferencesFor(config: ParityFilesConfig): KnownDifference[] {
  const file = path.resolve(PROJECT_ROOT, config.knownDifferencesFile ?? DEFAULT_KNOWN_DIFFERENCES_FILE);
  const entry = cache.get(file) ?? {};
  entry.known ??= loadKnownDifferences(file);
  cache.set(file, entry);
  return entry.known;
}
