import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { noConfigSchema } from "../pack/config";
import { POLICIES_DOC } from "../pack/docs";
import { describeResource, isUnknown, raw } from "../pack/resources";
import { isSet } from "../pack/values";
import { SchedulerScheduleClass } from "../resource-classes";

/** Safety: a schedule fires at the hour its author meant, whatever the region's clock. */
export const scheduleTimezone: ResourceValidationPolicy = {
  name: "schedule-timezone",
  description: "Every EventBridge Scheduler schedule names its timezone explicitly.",
  enforcementLevel: "mandatory",
  remediationSteps: "Set `scheduleExpressionTimezone` from the `scheduleTimezone` setting.",
  url: POLICIES_DOC,
  configSchema: noConfigSchema,
  validateResource: validateResourceOfType(SchedulerScheduleClass, (_props, args, report) => {
    const tz = raw(args.props).scheduleExpressionTimezone;
    if (!isUnknown(tz) && !isSet(tz)) {
      report(
        `${describeResource(args)} has no \`scheduleExpressionTimezone\`: its cron runs in UTC by default, so reports arrive at the wrong hour and trials end early wherever someone assumed local time.`,
      );
    }
  }),
};
