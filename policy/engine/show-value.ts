/**
 * How a message quotes a value someone wrote (a config value, a pattern, a flag): cut to a bounded
 * length, with the original length said, and with every control character escaped. A 20 MB config
 * value quoted whole is 20 MB on the terminal, twice, and an ANSI escape in a value would recolour or
 * rewrite the terminal of whoever reads the message. The pack, the program's config and the tools all
 * quote through here, so the rule is one rule.
 */

/** Characters of a value a message shows; enough to recognise it, never enough to flood a terminal. */
export const SHOWN_CHARACTERS = 120;

/**
 * C0 and C1 controls, DEL, and the bidirectional overrides and line separators that make a terminal
 * show text other than what it holds. JSON.stringify escapes only C0 (and never the others).
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escapeUnsafe(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** `text`, cut to `max` characters (with `…` and the original length), every control escaped; unquoted. */
export function cutText(text: string, max: number = SHOWN_CHARACTERS): string {
  if (text.length <= max) return escapeUnsafe(text);
  return `${escapeUnsafe(text.slice(0, max))}… (${text.length} characters)`;
}

/**
 * `value` as a message quotes it: a JSON string literal of at most `max` characters of it, then
 * `… (N characters)` when it was longer. Non-strings are shown as their JSON, cut the same way.
 */
export function showValue(value: unknown, max: number = SHOWN_CHARACTERS): string {
  const text = typeof value === "string" ? value : (safeJson(value) ?? String(value));
  if (typeof value !== "string") return cutText(text, max);
  if (text.length <= max) return escapeUnsafe(JSON.stringify(text));
  return `${escapeUnsafe(JSON.stringify(text.slice(0, max)).slice(0, -1))}…" (${text.length} characters)`;
}

function safeJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

/**
 * Where a YAML or JSON parse failed and why, never the text around it: the parsers quote the
 * offending line (yaml) or its first bytes (JSON.parse), and a file may be one that should not be shown.
 */
export function parseErrorPlace(error: unknown): string {
  const e = error as { linePos?: readonly { line: number; col: number }[]; code?: unknown; message?: unknown };
  const message = String(e.message ?? "");
  // The code (BAD_INDENT, DUPLICATE_KEY, …) and not the reason: yaml's reasons may quote an alias or key.
  const code = typeof e.code === "string" ? e.code : "syntax error";
  if (e.linePos?.[0]) return `line ${e.linePos[0].line}, column ${e.linePos[0].col}: ${code}`;
  if (/resource exhaustion|alias count/i.test(message)) return "too many aliases: a YAML alias bomb, refused";
  const at = /position (\d+)/.exec(message);
  if (at) return `at character ${at[1]}`;
  return /end of (JSON|data) input/i.test(message) ? "it ends too early" : code;
}
