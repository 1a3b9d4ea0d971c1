import { UNKNOWN } from "../simulator/snapshot";
import { SECRET_MASK, redact } from "./secrets";

/** How one side's value reads in a cell: compact JSON, except the cases people must not misread. */
export function formatValue(value: unknown): string {
  if (value === undefined) return "(absent)";
  if (value === UNKNOWN) return "(unknown until deployed)";
  const shown = redact(value);
  if (shown === SECRET_MASK) return SECRET_MASK;
  if (typeof shown === "string") return shown === "" ? '""' : shown;
  return (JSON.stringify(shown) ?? String(shown)).split(JSON.stringify(UNKNOWN)).join('"(unknown)"');
}

/** A known-difference or fix text flattened to one line for tables. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
