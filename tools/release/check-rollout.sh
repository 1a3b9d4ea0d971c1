#!/usr/bin/env bash
# Fails when ECS did not finish a web or worker service deployment that started during this deploy:
# the deployment circuit breaker rolled it back (ROLLBACK_*) or it was stopped. `pulumi up` cannot
# tell: a rolled-back service is steady again, on the previous task definition, so the provider
# reports success and the smoke test passes against the old version
# (hashicorp/terraform-provider-aws#19519).
#
# Usage: check-rollout.sh --since <UTC time before pulumi up, YYYY-MM-DDTHH:MM:SSZ> --outputs <JSON>
#   <JSON> holds the stack outputs `clusterName`, `webService` and `workerService`: in the deploy
#   job `toJSON(steps.up.outputs)`, by hand `"$(pulumi stack output --json --stack <stack>)"`.
# Needs jq and the AWS CLI v2 with credentials allowed `ecs:ListServiceDeployments`.
# Exit 0: nothing rolled back; 1: a deployment was rolled back or stopped; 2: bad command line.
set -euo pipefail

usage() {
  echo "usage: check-rollout.sh --since <YYYY-MM-DDTHH:MM:SSZ> --outputs <stack outputs as JSON>" >&2
  [ -z "${1:-}" ] || echo "check-rollout.sh: $1" >&2
  exit 2
}

since=""
outputs=""
while [ $# -gt 0 ]; do
  case "$1" in
    --since) since="${2:-}"; shift 2 || usage "\`$1\` needs a value" ;;
    --outputs) outputs="${2:-}"; shift 2 || usage "\`$1\` needs a value" ;;
    *) usage "unexpected argument \`$1\`" ;;
  esac
done
# An empty or malformed time would list every deployment ever made, or none.
[[ "$since" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$ ]] || usage "--since must be a UTC time like 2026-11-26T02:00:00Z, got \`$since\`"
output() {
  local value
  value=$(jq -er --arg key "$1" '.[$key] | select(type == "string" and . != "")' <<<"$outputs" 2>/dev/null) ||
    usage "--outputs has no \`$1\`; is it the stack's outputs, from a program that exports it (index.ts)?"
  printf '%s' "$value"
}
cluster=$(output clusterName)
web=$(output webService)
worker=$(output workerService)

failed=0
for service in "$web" "$worker"; do
  found=$(aws ecs list-service-deployments \
    --cluster "$cluster" \
    --service "$service" \
    --created-at "after=$since" \
    --status ROLLBACK_REQUESTED ROLLBACK_IN_PROGRESS ROLLBACK_SUCCESSFUL ROLLBACK_FAILED STOPPED \
    --query 'serviceDeployments[].[status, statusReason, serviceDeploymentArn]' \
    --output text)
  if [ -n "$found" ] && [ "$found" != "None" ]; then
    failed=1
    echo "::error title=${service} did not roll out::ECS ${service} in ${cluster}: the new tasks never got healthy and the deployment was rolled back or stopped; the previous version is still serving. Read the service's events and the task logs, then fix forward or roll back (RELEASING.md)."
    echo "$found"
  else
    echo "${service}: every deployment since ${since} completed"
  fi
done
exit "$failed"
