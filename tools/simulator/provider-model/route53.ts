import type { TypeModel } from "./model";

/** Route 53 (Terraform docs: route53_record: id is `<zone>_<name>_<type>`). Route 53 is global: no `region`. */

export const models: Record<string, TypeModel> = {
  "aws:route53/record:Record": {
    computed: (r) => {
      const fqdn = String(r.inputs["name"] ?? r.physical).replace(/\.$/, "");
      return { id: `${String(r.inputs["zoneId"])}_${fqdn}_${String(r.inputs["type"])}`, fqdn, allowOverwrite: false };
    },
  },
};
