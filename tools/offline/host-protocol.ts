import type { StackSnapshot } from "./snapshot";

/** What the engine hands the program host (as JSON in `PARITY_OFFLINE_JOB`). */
export interface HostJob {
  readonly root: string;
  readonly main: string;
  readonly project: string;
  readonly stack: string;
  readonly region: string;
  readonly accountId: string;
  readonly config: Record<string, string>;
  readonly secretKeys: string[];
  readonly maskedConfig: Record<string, string>;
  /** The mocks' seed for generated values (default: the stack name). */
  readonly mockSeed?: string;
}

export interface HostFailure {
  readonly kind: "config" | "program";
  readonly message: string;
  /** `file:line` of the first frame in the project's own code, for program errors. */
  readonly location?: string;
  readonly stack?: string;
}

/** The one message the host sends back before it exits. */
export type HostMessage =
  | { readonly kind: "snapshot"; readonly snapshot: StackSnapshot }
  | { readonly kind: "failure"; readonly failure: HostFailure };
