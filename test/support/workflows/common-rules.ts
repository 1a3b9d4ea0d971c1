import {
  asObj,
  environmentName,
  expandJobs,
  type Job,
  type Obj,
  runs,
  text,
  triggers,
  uses,
  type Violation,
} from "./model";

/*
 * The rules every workflow meets, present or future: a new workflow file gets them without anyone
 * remembering to add it to a list.
 */

const PINNED_ACTION = /^[\w.-]+\/[\w./-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/;
/** A container image by version tag or digest; `latest` or no tag moves under you. */
const PINNED_IMAGE = /^docker:\/\/[\w./-]+(:(?!latest$)[\w.-]+|@sha256:[0-9a-f]{64})$/;

/** Write access a job may hold, and what in the job justifies it. */
const WRITE_JUSTIFIED: Record<string, (job: Job) => boolean> = {
  "id-token": (job) => job.steps.some((s) => uses(s, "aws-actions/configure-aws-credentials")),
  "pull-requests": (job) =>
    job.steps.some(
      (s) =>
        uses(s, "marocchino/sticky-pull-request-comment") ||
        uses(s, "actions/github-script") ||
        (uses(s, "pulumi/actions") && text(asObj(s.with)["comment-on-pr"]) === "true"),
    ),
};

export function checkCommon(workflow: Obj): Violation[] {
  const out: Violation[] = [];
  const add = (rule: string, message: string) => out.push({ rule, message });
  if (triggers(workflow).includes("pull_request_target")) {
    add(
      "no-pull-request-target",
      "pull_request_target runs a PR's code with the base repository's secrets; use pull_request.",
    );
  }
  const top = workflow.permissions;
  if (top === undefined || typeof top === "string") {
    add(
      "least-privilege",
      `top-level permissions must be an explicit map (e.g. {} or contents: read), not ${top === undefined ? "the default token" : top}.`,
    );
  }
  for (const job of expandJobs(workflow)) {
    const granted = job.raw.permissions ?? top;
    if (granted === undefined || typeof granted === "string") {
      add(
        "least-privilege",
        `job ${job.id}: permissions must be an explicit map, not ${granted === undefined ? "the default token" : granted}.`,
      );
    }
    for (const [scope, level] of Object.entries(asObj(granted))) {
      if (level !== "write") continue;
      const justified = WRITE_JUSTIFIED[scope];
      if (!justified) add("least-privilege", `job ${job.id}: ${scope}: write is never needed here.`);
      else if (!justified(job))
        add("least-privilege", `job ${job.id}: ${scope}: write is granted but no step uses it.`);
    }
    const usesNpm = job.steps.some((s) => runs(s, /\bnpm\b/));
    const node = job.steps.find((s) => uses(s, "actions/setup-node"));
    if (
      usesNpm &&
      (!node || text(asObj(node.with)["node-version"]) !== "20" || text(asObj(node.with).cache) !== "npm")
    ) {
      add("node-setup", `job ${job.id}: runs npm without actions/setup-node (node-version 20, cache npm).`);
    }
    for (const step of job.steps) {
      const ref = text(step.uses);
      if (ref && !ref.startsWith("./") && !PINNED_ACTION.test(ref) && !PINNED_IMAGE.test(ref)) {
        add(
          "pinned-actions",
          `job ${job.id}: ${ref} must be pinned: @v4 or a commit SHA for an action, a version tag or digest for an image.`,
        );
      }
      if (uses(step, "actions/checkout") && asObj(step.with)["persist-credentials"] !== false) {
        add(
          "checkout-credentials",
          `job ${job.id}: checkout must set persist-credentials: false (nothing pushes; later steps need no token on disk).`,
        );
      }
      if (uses(step, "aws-actions/configure-aws-credentials")) {
        const withs = asObj(step.with);
        if (!withs["role-to-assume"] || withs["aws-access-key-id"] || withs["aws-secret-access-key"]) {
          add(
            "oidc-credentials",
            `job ${job.id}: AWS credentials must come from OIDC (role-to-assume), never stored keys.`,
          );
        }
        if (asObj(granted)["id-token"] !== "write")
          add("oidc-credentials", `job ${job.id}: OIDC needs id-token: write.`);
        if (!environmentName(job)) {
          add(
            "oidc-credentials",
            `job ${job.id}: assumes an AWS role outside a GitHub environment, so no per-stack role can be told apart.`,
          );
        }
      }
    }
  }
  return out;
}
