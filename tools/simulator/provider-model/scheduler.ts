import { arn, type TypeModel } from "./model";

/** EventBridge Scheduler (Terraform docs: scheduler_schedule, scheduler_schedule_group). */

const CREATED = "2026-01-05T09:18:55Z";

export const models: Record<string, TypeModel> = {
  "aws:scheduler/scheduleGroup:ScheduleGroup": {
    autoname: { maxLength: 64 },
    computed: (r) => ({
      id: r.physical,
      arn: arn(r.env, "scheduler", `schedule-group/${r.physical}`),
      creationDate: CREATED,
      lastModificationDate: CREATED,
      state: "ACTIVE",
    }),
  },
  "aws:scheduler/schedule:Schedule": {
    autoname: { maxLength: 64 },
    defaults: {
      actionAfterCompletion: "NONE",
      groupName: "default",
      scheduleExpressionTimezone: "UTC",
      state: "ENABLED",
    },
    computed: (r) => {
      const group = String(r.inputs["groupName"] ?? "default");
      return { id: `${group}/${r.physical}`, arn: arn(r.env, "scheduler", `schedule/${group}/${r.physical}`) };
    },
  },
};
