/** A problem with an export file, and how to fix it; callers add which file. */
export class StackExportError extends Error {
  constructor(
    readonly problem: string,
    readonly fix?: string,
  ) {
    super(problem);
    this.name = "StackExportError";
  }
}

/**
 * Not a fault: the export holds no resources. `pulumi policy analyze` says "Stack X has no resources;
 * nothing to analyze." and exits 0 (pkg/cmd/pulumi/policy/policy_analyze.go); a report comparing
 * two stacks cannot compare an empty one, and says so.
 */
export class EmptyStackExportError extends StackExportError {
  constructor(fix: string) {
    super("holds no resources (the stack was never deployed, or was destroyed)", fix);
    this.name = "EmptyStackExportError";
  }
}
