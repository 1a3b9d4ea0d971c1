import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { APP_PORT } from "./app-environment";

/** TLS 1.3 with 1.2 fallback: the modern ELB policy, the same in every stack. */
export const TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";
export const HEALTH_CHECK_PATH = "/healthz";

export interface HttpsEndpointArgs {
  /** Physical name prefix, e.g. `parity-staging` (load balancer names are limited to 32 characters). */
  readonly namePrefix: string;
  /** The host name served, e.g. `staging.app.example.com`. */
  readonly domain: string;
  /** The Route53 zone that holds `domain`, e.g. `example.com`. */
  readonly zoneName: string;
  readonly vpcId: pulumi.Input<string>;
  /** Public subnets, one per AZ. */
  readonly publicSubnetIds: pulumi.Input<string>[];
  /** The `edge` security group from Network. */
  readonly securityGroupId: pulumi.Input<string>;
}

/**
 * The stack's public front door: a DNS-validated ACM certificate, an application load balancer with an
 * HTTPS listener on a modern TLS policy, a permanent HTTP→HTTPS redirect, invalid header fields
 * dropped, and an alias record for the domain. HTTPS is enforced here the same way in every stack, so
 * cookies, redirects and generated links behave like production's.
 */
export class HttpsEndpoint extends pulumi.ComponentResource {
  public readonly zoneId: pulumi.Output<string>;
  public readonly certificate: aws.acm.Certificate;
  public readonly loadBalancer: aws.lb.LoadBalancer;
  public readonly targetGroup: aws.lb.TargetGroup;
  public readonly httpsListener: aws.lb.Listener;
  public readonly httpListener: aws.lb.Listener;
  public readonly url: string;

  constructor(name: string, args: HttpsEndpointArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("parity:components:HttpsEndpoint", name, {}, opts);
    const parent = this;
    const lbName = `${args.namePrefix}-web`;
    checkArgs();

    const zoneId = aws.route53.getZoneOutput({ name: args.zoneName, privateZone: false }, { parent }).zoneId;
    const certificate = createCertificate();
    const validated = validateCertificate();
    const loadBalancer = createLoadBalancer();
    const targetGroup = createTargetGroup();
    const httpsListener = createHttpsListener();
    const httpListener = redirectHttp();
    createAlias();

    this.zoneId = zoneId;
    this.certificate = certificate;
    this.loadBalancer = loadBalancer;
    this.targetGroup = targetGroup;
    this.httpsListener = httpsListener;
    this.httpListener = httpListener;
    this.url = `https://${args.domain}`;
    this.registerOutputs({
      url: this.url,
      loadBalancerDns: loadBalancer.dnsName,
      certificateArn: certificate.arn,
    });

    function checkArgs(): void {
      if (args.domain !== args.zoneName && !args.domain.endsWith(`.${args.zoneName}`)) {
        throw new Error(
          `HttpsEndpoint ${name}: \`domain\` ${args.domain} is not inside the zone \`zoneName\` ${args.zoneName}`,
        );
      }
      if (lbName.length > 32)
        throw new Error(
          `HttpsEndpoint ${name}: \`namePrefix\` makes the load balancer name ${lbName} longer than AWS's 32 characters`,
        );
    }

    function createCertificate(): aws.acm.Certificate {
      return new aws.acm.Certificate(`${name}-cert`, { domainName: args.domain, validationMethod: "DNS" }, { parent });
    }

    /** The DNS record ACM asks for, and the wait for the issue: the HTTPS listener needs an issued certificate. */
    function validateCertificate(): aws.acm.CertificateValidation {
      // One name on the certificate, so exactly one validation record.
      const validation = certificate.domainValidationOptions.apply((options) => options[0]);
      const validationRecord = new aws.route53.Record(
        `${name}-cert-validation`,
        {
          zoneId,
          name: validation.resourceRecordName,
          type: validation.resourceRecordType,
          records: [validation.resourceRecordValue],
          ttl: 300,
          allowOverwrite: true,
        },
        { parent },
      );
      return new aws.acm.CertificateValidation(
        `${name}-cert-validated`,
        { certificateArn: certificate.arn, validationRecordFqdns: [validationRecord.fqdn] },
        { parent },
      );
    }

    function createLoadBalancer(): aws.lb.LoadBalancer {
      return new aws.lb.LoadBalancer(
        `${name}-alb`,
        {
          name: lbName,
          loadBalancerType: "application",
          internal: false,
          subnets: args.publicSubnetIds,
          securityGroups: [args.securityGroupId],
          // Requests with malformed headers never reach the app, in any stack.
          dropInvalidHeaderFields: true,
          idleTimeout: 60,
        },
        { parent },
      );
    }

    function createTargetGroup(): aws.lb.TargetGroup {
      return new aws.lb.TargetGroup(
        `${name}-targets`,
        {
          name: lbName,
          vpcId: args.vpcId,
          port: APP_PORT,
          protocol: "HTTP",
          targetType: "ip",
          deregistrationDelay: 30,
          healthCheck: {
            path: HEALTH_CHECK_PATH,
            matcher: "200",
            interval: 15,
            healthyThreshold: 2,
            unhealthyThreshold: 3,
            timeout: 5,
          },
        },
        { parent },
      );
    }

    function createHttpsListener(): aws.lb.Listener {
      return new aws.lb.Listener(
        `${name}-https`,
        {
          loadBalancerArn: loadBalancer.arn,
          port: 443,
          protocol: "HTTPS",
          sslPolicy: TLS_POLICY,
          certificateArn: validated.certificateArn,
          defaultActions: [{ type: "forward", targetGroupArn: targetGroup.arn }],
        },
        { parent },
      );
    }

    /** Plain HTTP only ever answers with a permanent redirect, so no page or cookie is served without TLS. */
    function redirectHttp(): aws.lb.Listener {
      return new aws.lb.Listener(
        `${name}-http`,
        {
          loadBalancerArn: loadBalancer.arn,
          port: 80,
          protocol: "HTTP",
          defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
        },
        { parent },
      );
    }

    function createAlias(): void {
      new aws.route53.Record(
        `${name}-alias`,
        {
          zoneId,
          name: args.domain,
          type: "A",
          aliases: [{ name: loadBalancer.dnsName, zoneId: loadBalancer.zoneId, evaluateTargetHealth: true }],
        },
        { parent },
      );
    }
  }
}
