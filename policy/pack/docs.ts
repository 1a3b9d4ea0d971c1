/**
 * Where a policy's `url` points: the section of this repo's docs that explains it (a path relative to
 * the repo root, as GitHub links it), or the AWS Foundational Security Best Practices control it
 * implements. A test checks that every repo link names a file and a heading that exist.
 */

const POLICY_PACK_DOC = "docs/policy-pack.md";

/** A section of docs/policy-pack.md, by its heading's anchor. */
function packDoc(anchor: string): string {
  return `${POLICY_PACK_DOC}#${anchor}`;
}

export const POLICIES_DOC = packDoc("policies");
export const SECURITY_FLOOR_DOC = packDoc("the-security-floor");
export const PARITY_CONTRACT_DOC = packDoc("the-parity-contract");
export const WHAT_THE_PACK_SEES_DOC = packDoc("what-the-pack-sees");
export const SECRETS_DOC = packDoc("secrets-never-shown-never-shared");

/** An AWS Security Hub FSBP control's page, e.g. `fsbpControl("s3", 9)` for S3.9. */
export function fsbpControl(service: string, control: number): string {
  return `https://docs.aws.amazon.com/securityhub/latest/userguide/${service}-controls.html#${service}-${control}`;
}
