import { arn, type ModelResource, type TypeModel } from "./model";

/**
 * Elastic Load Balancing v2 (Terraform docs: lb, lb_target_group, lb_listener). Names are limited to
 * 32 characters; ARNs end in a 16-hex id AWS assigns.
 */

const lbArn = (r: ModelResource, kind: string) =>
  arn(r.env, "elasticloadbalancing", `${kind}/${r.physical}/${r.env.generated.hex(r.key, 16)}`);

export const models: Record<string, TypeModel> = {
  "aws:lb/loadBalancer:LoadBalancer": {
    autoname: { maxLength: 32 },
    defaults: {
      clientKeepAlive: 3600,
      desyncMitigationMode: "defensive",
      dropInvalidHeaderFields: false,
      enableDeletionProtection: false,
      enableHttp2: true,
      enableTlsVersionAndCipherSuiteHeaders: false,
      enableWafFailOpen: false,
      enableXffClientPort: false,
      idleTimeout: 60,
      loadBalancerType: "application",
      preserveHostHeader: false,
      xffHeaderProcessingMode: "append",
    },
    computed: (r) => {
      const lb = lbArn(r, "loadbalancer/app");
      const subnets = Array.isArray(r.inputs["subnets"]) ? r.inputs["subnets"] : [];
      return {
        id: lb,
        arn: lb,
        arnSuffix: lb.slice(lb.indexOf(":loadbalancer/") + ":loadbalancer/".length),
        dnsName: `${r.physical}-${r.env.generated.int(`${r.key}\0dns`, 100000000, 2147483647)}.${r.env.region}.elb.amazonaws.com`,
        enableCrossZoneLoadBalancing: true,
        enableZonalShift: false,
        internal: false,
        ipAddressType: "ipv4",
        subnetMappings: subnets.map((subnetId) => ({
          allocationId: "",
          ipv6Address: "",
          outpostId: "",
          privateIpv4Address: "",
          subnetId,
        })),
        vpcId: r.env.lookup(subnets[0])?.["vpcId"] ?? "",
        zoneId: "Z35SXDOTRQ7X7K",
      };
    },
  },
  "aws:lb/targetGroup:TargetGroup": {
    autoname: { maxLength: 32 },
    defaults: { deregistrationDelay: 300, lambdaMultiValueHeadersEnabled: false, proxyProtocolV2: false, slowStart: 0 },
    computed: (r) => {
      const tg = lbArn(r, "targetgroup");
      return {
        id: tg,
        arn: tg,
        arnSuffix: tg.slice(tg.indexOf(":targetgroup/") + 1),
        connectionTermination: false,
        ipAddressType: "ipv4",
        loadBalancerArns: [],
        loadBalancingAlgorithmType: "round_robin",
        loadBalancingAnomalyMitigation: "off",
        loadBalancingCrossZoneEnabled: "use_load_balancer_configuration",
        protocolVersion: "HTTP1",
        stickiness: { cookieDuration: 86400, cookieName: "", enabled: false, type: "lb_cookie" },
        targetFailovers: [],
        targetHealthStates: [],
      };
    },
  },
  "aws:lb/listener:Listener": {
    computed: (r) => {
      const listener = arn(
        r.env,
        "elasticloadbalancing",
        `listener/app/${r.name}/${r.env.generated.hex(r.key, 16)}/${r.env.generated.hex(`${r.key}\0listener`, 16)}`,
      );
      return {
        id: listener,
        arn: listener,
        routingHttpResponseServerEnabled: true,
        sslPolicy: r.inputs["protocol"] === "HTTPS" ? "ELBSecurityPolicy-2016-08" : "",
      };
    },
  },
};
