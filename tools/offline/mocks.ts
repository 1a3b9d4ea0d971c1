import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";

/**
 * Provider outputs as AWS, random and tls would return them, computed offline. Everything is derived
 * from a hash of (stack, type, name), so a run is repeatable and two stacks never share an id, ARN or
 * generated secret: tests that assert "nothing is shared between stacks" then test the program, not
 * the mocks.
 */
export interface MockEnvironment {
  readonly stack: string;
  /**
   * What generated values are derived from instead of the stack name. Two stacks given the same seed
   * get the same ids and secrets, so a test of "nothing shared" must be caught by the program or the
   * pack, not by the mocks.
   */
  readonly seed?: string;
  readonly region: string;
  readonly accountId: string;
  readonly partition?: string;
}

type State = Record<string, unknown>;

/** The property AWS autonames from the logical name, per type (default `name`). */
const NAME_PROPERTY: Record<string, string> = {
  "aws:s3/bucket:Bucket": "bucket",
  "aws:s3/bucketV2:BucketV2": "bucket",
  "aws:rds/instance:Instance": "identifier",
  "aws:ecs/taskDefinition:TaskDefinition": "family",
  "aws:lambda/function:Function": "name",
};

/** AWS name limits that autonaming must respect (load balancers and target groups: 32). */
const NAME_LIMIT: Record<string, number> = {
  "aws:lb/loadBalancer:LoadBalancer": 32,
  "aws:lb/targetGroup:TargetGroup": 32,
  "aws:iam/role:Role": 64,
  "aws:rds/instance:Instance": 63,
};

/** Types AWS names on create; anything not listed keeps its inputs only. */
const AUTONAMED = new Set([
  ...Object.keys(NAME_PROPERTY),
  "aws:sqs/queue:Queue",
  "aws:iam/role:Role",
  "aws:iam/policy:Policy",
  "aws:ec2/securityGroup:SecurityGroup",
  "aws:rds/parameterGroup:ParameterGroup",
  "aws:rds/subnetGroup:SubnetGroup",
  "aws:secretsmanager/secret:Secret",
  "aws:ecs/cluster:Cluster",
  "aws:ecs/service:Service",
  "aws:lb/loadBalancer:LoadBalancer",
  "aws:lb/targetGroup:TargetGroup",
  "aws:cloudwatch/logGroup:LogGroup",
  "aws:cognito/userPool:UserPool",
  "aws:cognito/userPoolClient:UserPoolClient",
  "aws:scheduler/schedule:Schedule",
  "aws:scheduler/scheduleGroup:ScheduleGroup",
  "aws:kms/key:Key",
]);

export class RealisticMocks implements pulumi.runtime.Mocks {
  private readonly partition: string;

  constructor(private readonly env: MockEnvironment) {
    this.partition = env.partition ?? "aws";
  }

  /** A deterministic hex string for this stack and seed. */
  hex(seed: string, length: number): string {
    let out = "";
    for (let i = 0; out.length < length; i++) {
      out += createHash("sha256").update(`${this.env.seed ?? this.env.stack}\0${seed}\0${i}`).digest("hex");
    }
    return out.slice(0, length);
  }

  private uuid(seed: string): string {
    const h = this.hex(seed, 32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  private alnum(seed: string, length: number, alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"): string {
    const bytes = Buffer.from(this.hex(seed, length * 2), "hex");
    return [...bytes].map((b) => alphabet[b % alphabet.length]).join("");
  }

  private arn(service: string, resource: string, opts: { region?: boolean; account?: boolean } = {}): string {
    const region = opts.region === false ? "" : this.env.region;
    const account = opts.account === false ? "" : this.env.accountId;
    return `arn:${this.partition}:${service}:${region}:${account}:${resource}`;
  }

  newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: State } {
    const { type, name } = args;
    const inputs: State = { ...(args.inputs as State) };
    const seed = `${type}\0${name}`;
    const nameProp = NAME_PROPERTY[type] ?? "name";
    if (AUTONAMED.has(type) && inputs[nameProp] === undefined && inputs["namePrefix"] === undefined) {
      const limit = NAME_LIMIT[type] ?? 255;
      const suffix = this.hex(`${seed}\0autoname`, 7);
      let base = name.slice(0, limit - 8);
      if (type === "aws:sqs/queue:Queue" && inputs["fifoQueue"] === true) base = base.slice(0, -5);
      inputs[nameProp] = `${base}-${suffix}${type === "aws:sqs/queue:Queue" && inputs["fifoQueue"] === true ? ".fifo" : ""}`;
    }
    const physical = String(inputs[nameProp] ?? inputs["namePrefix"] ?? name);
    const out = this.outputs(type, name, physical, inputs, seed);
    const id = (out.id as string | undefined) ?? `${name}-${this.hex(seed, 8)}`;
    delete out.id;
    return { id, state: { ...inputs, ...out } };
  }

  private outputs(type: string, name: string, physical: string, inputs: State, seed: string): State {
    const { region, accountId } = this.env;
    switch (type) {
      case "aws:ec2/vpc:Vpc": {
        const id = `vpc-${this.hex(seed, 17)}`;
        return { id, arn: this.arn("ec2", `vpc/${id}`), defaultSecurityGroupId: `sg-${this.hex(`${seed}sg`, 17)}`, mainRouteTableId: `rtb-${this.hex(`${seed}rtb`, 17)}`, ownerId: accountId };
      }
      case "aws:ec2/subnet:Subnet": {
        const id = `subnet-${this.hex(seed, 17)}`;
        return { id, arn: this.arn("ec2", `subnet/${id}`), availabilityZoneId: `use1-az${(Number.parseInt(this.hex(seed, 2), 16) % 6) + 1}` };
      }
      case "aws:ec2/internetGateway:InternetGateway": {
        const id = `igw-${this.hex(seed, 17)}`;
        return { id, arn: this.arn("ec2", `internet-gateway/${id}`) };
      }
      case "aws:ec2/eip:Eip": {
        const b = Buffer.from(this.hex(seed, 4), "hex");
        return { id: `eipalloc-${this.hex(seed, 17)}`, allocationId: `eipalloc-${this.hex(seed, 17)}`, publicIp: `3.${b[1]}.${b[2]}.${b[3]}`, domain: "vpc" };
      }
      case "aws:ec2/natGateway:NatGateway":
        return { id: `nat-${this.hex(seed, 17)}`, privateIp: "10.0.0.10", networkInterfaceId: `eni-${this.hex(seed, 17)}` };
      case "aws:ec2/routeTable:RouteTable": {
        const id = `rtb-${this.hex(seed, 17)}`;
        return { id, arn: this.arn("ec2", `route-table/${id}`) };
      }
      case "aws:ec2/securityGroup:SecurityGroup": {
        const id = `sg-${this.hex(seed, 17)}`;
        return { id, arn: this.arn("ec2", `security-group/${id}`), ownerId: accountId };
      }
      case "aws:ec2/vpcEndpoint:VpcEndpoint": {
        const id = `vpce-${this.hex(seed, 17)}`;
        return { id, arn: this.arn("ec2", `vpc-endpoint/${id}`), prefixListId: `pl-${this.hex(seed, 8)}` };
      }
      case "aws:kms/key:Key": {
        const keyId = this.uuid(seed);
        return { id: keyId, keyId, arn: this.arn("kms", `key/${keyId}`) };
      }
      case "aws:kms/alias:Alias":
        return { id: physical, arn: this.arn("kms", physical), targetKeyArn: inputs["targetKeyId"] };
      case "aws:secretsmanager/secret:Secret": {
        const arn = this.arn("secretsmanager", `secret:${physical}-${this.alnum(seed, 6, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")}`);
        return { id: arn, arn };
      }
      case "aws:secretsmanager/secretVersion:SecretVersion":
        return { id: `${inputs["secretId"]}|${this.uuid(seed)}`, arn: inputs["secretId"], versionId: this.uuid(seed), versionStages: ["AWSCURRENT"] };
      case "aws:rds/instance:Instance": {
        const address = `${physical}.c${this.alnum(seed, 11)}.${region}.rds.amazonaws.com`;
        return { id: this.alnum(seed, 26).toUpperCase(), arn: this.arn("rds", `db:${physical}`), address, endpoint: `${address}:5432`, port: inputs["port"] ?? 5432, resourceId: `db-${this.alnum(seed, 26).toUpperCase()}`, hostedZoneId: "Z2R2ITUGPM61AM", status: "available" };
      }
      case "aws:rds/parameterGroup:ParameterGroup":
        return { id: physical, arn: this.arn("rds", `pg:${physical}`) };
      case "aws:rds/subnetGroup:SubnetGroup":
        return { id: physical, arn: this.arn("rds", `subgrp:${physical}`) };
      case "aws:s3/bucket:Bucket":
      case "aws:s3/bucketV2:BucketV2":
        return { id: physical, arn: `arn:${this.partition}:s3:::${physical}`, bucketDomainName: `${physical}.s3.amazonaws.com`, bucketRegionalDomainName: `${physical}.s3.${region}.amazonaws.com`, hostedZoneId: "Z3AQBSTGFYJSTF", region };
      case "aws:sqs/queue:Queue": {
        const url = `https://sqs.${region}.amazonaws.com/${accountId}/${physical}`;
        return { id: url, url, arn: this.arn("sqs", physical) };
      }
      case "aws:iam/role:Role":
        return { id: physical, arn: `arn:${this.partition}:iam::${accountId}:role/${physical}`, uniqueId: `AROA${this.alnum(seed, 17).toUpperCase()}`, createDate: "2026-01-01T00:00:00Z" };
      case "aws:iam/policy:Policy":
        return { id: `arn:${this.partition}:iam::${accountId}:policy/${physical}`, arn: `arn:${this.partition}:iam::${accountId}:policy/${physical}`, policyId: `ANPA${this.alnum(seed, 17).toUpperCase()}` };
      case "aws:cloudwatch/logGroup:LogGroup":
        return { id: physical, arn: this.arn("logs", `log-group:${physical}`) };
      case "aws:ecs/cluster:Cluster": {
        const arn = this.arn("ecs", `cluster/${physical}`);
        return { id: arn, arn };
      }
      case "aws:ecs/taskDefinition:TaskDefinition":
        return { id: physical, arn: this.arn("ecs", `task-definition/${physical}:1`), arnWithoutRevision: this.arn("ecs", `task-definition/${physical}`), revision: 1 };
      case "aws:ecs/service:Service":
        return { id: this.arn("ecs", `service/${physical}`) };
      case "aws:lb/loadBalancer:LoadBalancer": {
        const arn = this.arn("elasticloadbalancing", `loadbalancer/app/${physical}/${this.hex(seed, 16)}`);
        return { id: arn, arn, arnSuffix: `app/${physical}/${this.hex(seed, 16)}`, dnsName: `${physical}-${Number.parseInt(this.hex(seed, 8), 16)}.${region}.elb.amazonaws.com`, zoneId: "Z35SXDOTRQ7X7K" };
      }
      case "aws:lb/targetGroup:TargetGroup": {
        const arn = this.arn("elasticloadbalancing", `targetgroup/${physical}/${this.hex(seed, 16)}`);
        return { id: arn, arn, arnSuffix: `targetgroup/${physical}/${this.hex(seed, 16)}` };
      }
      case "aws:lb/listener:Listener":
      case "aws:lb/listenerRule:ListenerRule": {
        const arn = this.arn("elasticloadbalancing", `listener/app/${name}/${this.hex(seed, 16)}/${this.hex(`${seed}l`, 16)}`);
        return { id: arn, arn };
      }
      case "aws:acm/certificate:Certificate": {
        const arn = this.arn("acm", `certificate/${this.uuid(seed)}`);
        const names = [inputs["domainName"], ...((inputs["subjectAlternativeNames"] as unknown[]) ?? [])].filter((n): n is string => typeof n === "string");
        const domainValidationOptions = [...new Set(names)].map((domainName) => ({
          domainName,
          resourceRecordName: `_${this.hex(`${seed}${domainName}n`, 32)}.${domainName.replace(/^\*\./, "")}.`,
          resourceRecordType: "CNAME",
          resourceRecordValue: `_${this.hex(`${seed}${domainName}v`, 32)}.${this.alnum(`${seed}${domainName}`, 10)}.acm-validations.aws.`,
        }));
        return { id: arn, arn, domainValidationOptions, status: "PENDING_VALIDATION", validationMethod: inputs["validationMethod"] ?? "DNS" };
      }
      case "aws:acm/certificateValidation:CertificateValidation":
        return { id: "2026-01-01 00:00:00 +0000 UTC" };
      case "aws:route53/record:Record": {
        const fqdn = String(inputs["name"] ?? physical).replace(/\.$/, "");
        return { id: `${inputs["zoneId"]}_${fqdn}_${inputs["type"]}`, fqdn };
      }
      case "aws:cognito/userPool:UserPool": {
        const id = `${region}_${this.alnum(seed, 9, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")}`;
        return { id, arn: this.arn("cognito-idp", `userpool/${id}`), endpoint: `cognito-idp.${region}.amazonaws.com/${id}`, estimatedNumberOfUsers: 0, creationDate: "2026-01-01T00:00:00Z" };
      }
      case "aws:cognito/userPoolClient:UserPoolClient":
        return { id: this.alnum(seed, 26), clientSecret: inputs["generateSecret"] ? pulumi.secret(this.alnum(`${seed}secret`, 51)) : "" };
      case "aws:cognito/userPoolDomain:UserPoolDomain":
        return { id: physical, cloudfrontDistribution: `d${this.alnum(seed, 13)}.cloudfront.net`, cloudfrontDistributionArn: `d${this.alnum(seed, 13)}.cloudfront.net`, cloudfrontDistributionZoneId: "Z2FDTNDATAQYW2", awsAccountId: accountId };
      case "aws:cognito/user:User":
        return { id: `${inputs["userPoolId"]}/${inputs["username"]}`, sub: this.uuid(seed), status: "FORCE_CHANGE_PASSWORD", creationDate: "2026-01-01T00:00:00Z" };
      case "aws:cognito/userGroup:UserGroup":
        return { id: `${inputs["userPoolId"]}/${inputs["name"]}` };
      case "aws:sesv2/emailIdentity:EmailIdentity":
        return {
          id: String(inputs["emailIdentity"]),
          arn: this.arn("ses", `identity/${inputs["emailIdentity"]}`),
          identityType: String(inputs["emailIdentity"]).includes("@") ? "EMAIL_ADDRESS" : "DOMAIN",
          dkimSigningAttributes: { tokens: [0, 1, 2].map((i) => this.alnum(`${seed}dkim${i}`, 32)), status: "PENDING", signingAttributesOrigin: "AWS_SES" },
          verifiedForSendingStatus: false,
        };
      case "aws:sesv2/configurationSet:ConfigurationSet":
        return { id: physical, arn: this.arn("ses", `configuration-set/${physical}`) };
      case "aws:scheduler/scheduleGroup:ScheduleGroup":
        return { id: physical, arn: this.arn("scheduler", `schedule-group/${physical}`), state: "ACTIVE" };
      case "aws:scheduler/schedule:Schedule":
        return { id: `${inputs["groupName"] ?? "default"}/${physical}`, arn: this.arn("scheduler", `schedule/${inputs["groupName"] ?? "default"}/${physical}`) };
      case "aws:lambda/function:Function": {
        const arn = this.arn("lambda", `function:${physical}`);
        return { id: physical, arn, qualifiedArn: `${arn}:1`, invokeArn: `arn:${this.partition}:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}/invocations`, version: "1", lastModified: "2026-01-01T00:00:00.000+0000" };
      }
      case "aws:lambda/invocation:Invocation":
        return { id: `${inputs["functionName"]}_${this.hex(seed, 8)}`, result: JSON.stringify({ status: "ok", applied: 0 }) };
      case "aws:sns/smsPreferences:SmsPreferences":
        return { id: "sms-preferences" };
      case "random:index/randomPassword:RandomPassword":
      case "random:index/randomString:RandomString": {
        const length = Number(inputs["length"] ?? 32);
        return { id: "none", result: pulumi.secret(this.alnum(`${seed}result`, length, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_!#")), bcryptHash: pulumi.secret(`$2a$10$${this.alnum(seed, 53)}`) };
      }
      case "random:index/randomId:RandomId": {
        const bytes = Number(inputs["byteLength"] ?? 4);
        const hex = this.hex(`${seed}\0${JSON.stringify(inputs["keepers"] ?? {})}`, bytes * 2);
        const b64 = Buffer.from(hex, "hex").toString("base64url");
        return { id: b64, hex, b64Url: b64, b64Std: Buffer.from(hex, "hex").toString("base64"), dec: BigInt(`0x${hex}`).toString() };
      }
      case "tls:index/privateKey:PrivateKey": {
        const body = Buffer.from(this.hex(`${seed}key`, 240), "hex").toString("base64").replace(/(.{64})/g, "$1\n");
        const pub = Buffer.from(this.hex(`${seed}pub`, 90), "hex").toString("base64");
        return {
          id: this.hex(seed, 40),
          privateKeyPem: pulumi.secret(`-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----\n`),
          privateKeyOpenssh: pulumi.secret(`-----BEGIN OPENSSH PRIVATE KEY-----\n${body}\n-----END OPENSSH PRIVATE KEY-----\n`),
          publicKeyPem: `-----BEGIN PUBLIC KEY-----\n${pub}\n-----END PUBLIC KEY-----\n`,
          publicKeyOpenssh: `${inputs["algorithm"] === "ED25519" ? "ssh-ed25519" : "ecdsa-sha2-nistp256"} ${pub}\n`,
          publicKeyFingerprintSha256: `SHA256:${Buffer.from(this.hex(`${seed}fp`, 64), "hex").toString("base64").replace(/=+$/, "")}`,
        };
      }
      default:
        return {};
    }
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    const { region, accountId } = this.env;
    const inputs = (args.inputs ?? {}) as State;
    switch (args.token) {
      case "aws:index/getAvailabilityZones:getAvailabilityZones":
        return { id: region, names: ["a", "b", "c"].map((s) => `${region}${s}`), zoneIds: [1, 2, 3].map((n) => `${region.split("-").map((p) => p[0]).join("")}${region.slice(-1)}-az${n}`), state: "available" };
      case "aws:index/getCallerIdentity:getCallerIdentity":
        return { id: accountId, accountId, arn: `arn:${this.partition}:iam::${accountId}:user/deployer`, userId: `AIDA${this.alnum("caller", 17).toUpperCase()}` };
      case "aws:index/getRegion:getRegion":
        return { id: region, name: region, region, endpoint: `ec2.${region}.amazonaws.com`, description: region };
      case "aws:index/getPartition:getPartition":
        return { id: this.partition, partition: this.partition, dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" };
      case "aws:route53/getZone:getZone": {
        const zoneName = String(inputs["name"] ?? "example.com").replace(/\.$/, "");
        const zoneId = `Z${this.alnum(`zone${zoneName}`, 20, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")}`;
        return { id: zoneId, zoneId, name: zoneName, arn: `arn:${this.partition}:route53:::hostedzone/${zoneId}`, nameServers: [1, 2, 3, 4].map((n) => `ns-${n}.awsdns-${n}.net`), privateZone: false };
      }
      case "aws:elb/getServiceAccount:getServiceAccount":
        return { id: "127311923021", arn: `arn:${this.partition}:iam::127311923021:root` };
      default:
        throw new Error(`offline preview: no mock for the provider function \`${args.token}\`; add one to tools/offline/mocks.ts`);
    }
  }
}
