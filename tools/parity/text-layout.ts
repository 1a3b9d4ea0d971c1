/**
 * Fitting text to a terminal: truncate or wrap cells so no line is wider than the terminal, counting
 * what the reader sees (ANSI colour codes take no columns; astral characters take one code point).
 */

// Built from the escape's code point: a literal control character in a regex reads as a typo.
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

export function visibleWidth(text: string): number {
  return [...text.replace(ANSI, "")].length;
}

/** Cut to `width` columns, marking the cut with `…`. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return "";
  const chars = [...text];
  if (chars.length <= width) return text;
  return width === 1 ? "…" : `${chars.slice(0, width - 1).join("")}…`;
}

/** Break into lines of at most `width` columns, at spaces when possible, mid-word when not. */
export function wrap(text: string, width: number): string[] {
  if (width <= 0) return [""];
  const lines: string[] = [];
  for (const paragraph of text.split("\n")) {
    let line = "";
    for (const word of paragraph.split(/(\s+)/).filter((w) => w !== "")) {
      const candidate = line + word;
      if (visibleWidth(candidate) <= width) {
        line = candidate;
        continue;
      }
      if (line.trim() !== "") lines.push(line.trimEnd());
      line = /^\s+$/.test(word) ? "" : word;
      while (visibleWidth(line) > width) {
        const chars = [...line];
        lines.push(chars.slice(0, width).join(""));
        line = chars.slice(width).join("");
      }
    }
    lines.push(line.trimEnd());
  }
  return lines;
}

/** Break a property path before `.` and `[` where it can, so each line is a whole segment. */
export function wrapPath(path: string, width: number): string[] {
  const segments = path.split(/(?=[.[])/);
  const lines: string[] = [];
  let line = "";
  for (const segment of segments) {
    if (line !== "" && visibleWidth(line + segment) > width) {
      lines.push(line);
      line = "";
    }
    line += segment;
    while (visibleWidth(line) > width) {
      const chars = [...line];
      lines.push(chars.slice(0, width).join(""));
      line = chars.slice(width).join("");
    }
  }
  return [...lines, line];
}

/** Wrap with a hanging indent: continuation lines start `hang` columns in, under the first line's text. */
export function wrapHanging(text: string, width: number, hang: number): string[] {
  const [first, ...rest] = wrap(text, width);
  if (rest.length === 0) return [first];
  const indent = " ".repeat(Math.min(hang, Math.max(0, width - 10)));
  return [first, ...wrap(rest.join(" "), width - indent.length).map((l) => indent + l)];
}

export function padEnd(text: string, width: number): string {
  return text + " ".repeat(Math.max(0, width - visibleWidth(text)));
}

/**
 * Column widths that fill `total` columns: fixed columns keep their width, the flexible ones share
 * the rest in proportion to their content (each at least `min`), so short values are not padded wide.
 */
export function fitColumns(
  total: number,
  fixed: readonly (number | null)[],
  natural: readonly number[],
  gap: number,
  min = 8,
): number[] {
  const used = fixed.reduce<number>((sum, w) => sum + (w ?? 0), 0) + gap * (fixed.length - 1);
  const flexIdx = fixed.map((w, i) => (w === null ? i : -1)).filter((i) => i >= 0);
  // Narrow terminals shrink the minimum rather than overflow the line.
  min = Math.max(1, Math.min(min, Math.floor((total - used) / Math.max(1, flexIdx.length))));
  let free = Math.max(flexIdx.length * min, total - used);
  const widths = fixed.map((w) => w ?? 0);
  let pending = [...flexIdx];
  // Columns whose content is narrower than their fair share take only what they need.
  for (let changed = true; changed && pending.length > 0;) {
    changed = false;
    const share = Math.floor(free / pending.length);
    for (const i of [...pending]) {
      const need = Math.max(min, natural[i]);
      if (need <= share) {
        widths[i] = need;
        free -= need;
        pending = pending.filter((j) => j !== i);
        changed = true;
      }
    }
  }
  pending.forEach((i, n) => {
    widths[i] = Math.floor(free / pending.length) + (n < free % pending.length ? 1 : 0);
  });
  return widths;
}
