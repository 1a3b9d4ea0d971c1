/**
 * The tag the runner puts on the migration tasks it starts; the runner's role may stop only tasks
 * that carry it. The program reads it from here rather than from functions/migration-runner/handler.ts,
 * so a preview does not load the AWS SDK the handler imports; a test holds the two to the same value.
 */
export const FAMILY_TAG = "parity:task-family";
