/**
 * What the preview is waiting on, on stderr: a single redrawn spinner line on a terminal, one line
 * per change otherwise (CI logs), nothing when quiet. Never on stdout, which `--json` owns.
 */
export class Progress {
  private readonly states = new Map<string, string>();
  private timer?: NodeJS.Timeout;
  private frame = 0;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly quiet = false,
  ) {}

  set(task: string, state: string): void {
    if (this.quiet || this.states.get(task) === state) return;
    this.states.set(task, state);
    if (!this.stream.isTTY) {
      this.stream.write(`${task}: ${state}\n`);
      return;
    }
    this.timer ??= setInterval(() => this.draw(), 100);
    this.draw();
  }

  done(task: string): void {
    this.states.delete(task);
    if (this.states.size === 0) this.stop();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.stream.isTTY && !this.quiet) this.stream.write("\r\u001b[K");
  }

  private draw(): void {
    const spinner = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"[this.frame++ % 10];
    const text = [...this.states].map(([task, state]) => `${task}: ${state}`).join("  ·  ");
    // A pseudo-terminal may report 0 columns; keep the line short of the edge so it never wraps.
    const width = this.stream.columns || 100;
    this.stream.write(`\r\u001b[K${`${spinner} ${text}`.slice(0, width - 1)}`);
  }
}
