import type { Scenario, StackSnapshot } from "./snapshot";

/** What the engine hands the program host: one stack to run. */
export interface HostJob {
  readonly root: string;
  readonly main: string;
  readonly project: string;
  readonly stack: string;
  readonly region: string;
  readonly accountId: string;
  readonly scenario: Scenario;
  readonly seed: string;
  readonly config: Record<string, string>;
  readonly secretKeys: string[];
  readonly maskedConfig: Record<string, string>;
}

export interface HostFailure {
  readonly kind: "config" | "program";
  readonly message: string;
  /** `file:line` of the first frame in the project's own code, for program errors. */
  readonly location?: string;
  readonly stack?: string;
}

/** The engine's one message to a host: run this job (a host runs one at a time). */
export interface ParentMessage {
  readonly kind: "job";
  readonly job: HostJob;
}

/** The host's answer to a job: the snapshot (the host may then take another job), or why it failed (the host then exits). */
export type HostMessage =
  | { readonly kind: "snapshot"; readonly snapshot: StackSnapshot }
  | { readonly kind: "failure"; readonly failure: HostFailure };
