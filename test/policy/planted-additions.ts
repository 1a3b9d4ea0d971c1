import { after, Planting, replace } from "./planted-program";

/**
 * The additions a reviewer tries first (issue 18): each one list element more in the real program's
 * source, and where the pack must say it is: the resource and the element's path.
 */
export interface Addition {
  readonly kind: string;
  readonly planting: Planting;
  /** The resource's logical name. */
  readonly resource: string;
  /** The added element's property path, as the pack names it. */
  readonly element: string;
}

export const ADDITIONS: readonly Addition[] = [
  {
    kind: "an extra PostgreSQL parameter",
    planting: after(
      "components/database.ts",
      `{ name: "timezone", value: "UTC", applyMethod: "immediate" },`,
      `\n  { name: "statement_timeout", value: "30000", applyMethod: "immediate" },`,
    ),
    resource: "db-params",
    element: "parameters[name=statement_timeout]",
  },
  {
    kind: "an extra Cognito schema attribute",
    planting: after(
      "components/auth-clients.ts",
      `{ name: "email", attributeDataType: "String", required: true, mutable: true, stringAttributeConstraints: { minLength: "3", maxLength: "254" } },`,
      `\n          { name: "tenant", attributeDataType: "String", required: false, mutable: true, stringAttributeConstraints: { minLength: "1", maxLength: "64" } },`,
    ),
    resource: "auth-users",
    element: "schemas[name=tenant]",
  },
  {
    kind: "an extra CORS rule",
    planting: after(
      "components/storage.ts",
      "              maxAgeSeconds: 3000,\n            },",
      `\n            { allowedOrigins: ["*"], allowedMethods: ["GET"], maxAgeSeconds: 60 },`,
    ),
    resource: "uploads-cors",
    element: "corsRules[1]",
  },
  {
    kind: "an extra lifecycle rule",
    planting: after(
      "components/storage.ts",
      "            ...(expireDays !== undefined ? { expiration: { days: expireDays } } : {}),\n          },",
      `\n          { id: "expire-everything", status: "Enabled", filter: { prefix: "" }, expiration: { days: 1 } },`,
    ),
    resource: "uploads-lifecycle",
    element: "rules[id=expire-everything]",
  },
  {
    kind: "a public-read bucket-policy statement",
    planting: after(
      "components/storage.ts",
      `Condition: { Bool: { "aws:SecureTransport": "false" } },\n      },`,
      '\n      { Sid: "PublicRead", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: pulumi.interpolate`${bucketArn}/*` },',
    ),
    resource: "uploads-policy",
    element: "policy.Statement[Sid=PublicRead]",
  },
  {
    kind: "the database security group open to 0.0.0.0/0",
    planting: after(
      "components/database.ts",
      `securityGroups: [args.appSecurityGroupId], description: "From app tasks" }`,
      `, { protocol: "tcp", fromPort: DATABASE_PORT, toPort: DATABASE_PORT, cidrBlocks: ["0.0.0.0/0"], description: "Anywhere" }`,
    ),
    resource: "db-sg",
    element: "ingress[1]",
  },
  {
    kind: "SSH open on the app tasks' group",
    planting: after(
      "components/network.ts",
      `securityGroups: [edgeSecurityGroup.id], description: "From the load balancer" }`,
      `, { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"], description: "SSH" }`,
    ),
    resource: "network-app-sg",
    element: "ingress[1]",
  },
  {
    kind: "an extra port on the load balancer's group",
    planting: after(
      "components/network.ts",
      `description: "HTTP, redirected to HTTPS" },`,
      `\n          { protocol: "tcp", fromPort: 8080, toPort: 8080, cidrBlocks: ["0.0.0.0/0"], description: "Alternate HTTP" },`,
    ),
    resource: "network-edge-sg",
    element: "ingress[2]",
  },
  {
    kind: "egress anywhere from the database group (an element in a list that was empty)",
    planting: replace(
      "components/database.ts",
      "egress: [],",
      `egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], description: "Anywhere" }],`,
    ),
    resource: "db-sg",
    element: "egress[0]",
  },
  {
    kind: "one narrow extra IAM statement",
    planting: after(
      "components/app-roles.ts",
      '{ Sid: "UploadsList", Effect: "Allow", Action: "s3:ListBucket", Resource: args.uploadsBucketArn },',
      '\n      { Sid: "ReadReports", Effect: "Allow", Action: "s3:GetObject", Resource: pulumi.interpolate`${args.outboxBucketArn}/reports/*` },',
    ),
    resource: "app-task-policy",
    element: "policy.Statement[Sid=ReadReports]",
  },
  {
    kind: "a sidecar container",
    planting: after(
      "components/task-definition.ts",
      '        options: { "awslogs-group": args.logGroupName, "awslogs-region": args.region, "awslogs-stream-prefix": args.command[0] },\n      },\n    },',
      `\n    { name: "sidecar", image: "public.ecr.aws/xray/aws-xray-daemon:3.3.13", essential: false, portMappings: [{ containerPort: 2000, protocol: "udp" }] },`,
    ),
    resource: "worker-task",
    element: "containerDefinitions[name=sidecar]",
  },
  {
    kind: "an extra port mapping",
    planting: replace(
      "components/task-definition.ts",
      `[{ containerPort: args.port, protocol: "tcp" }]`,
      `[{ containerPort: args.port, protocol: "tcp" }, { containerPort: 9090, protocol: "tcp" }]`,
    ),
    resource: "web-task",
    element: "containerDefinitions[name=app].portMappings[1]",
  },
];
