import type { TypeModel } from "./model";
import { models as acm } from "./acm";
import { models as cloudwatch } from "./cloudwatch";
import { models as cognito } from "./cognito";
import { models as ec2 } from "./ec2";
import { models as ecs } from "./ecs";
import { models as iam } from "./iam";
import { models as kms } from "./kms";
import { models as lambda } from "./lambda";
import { models as lb } from "./lb";
import { models as random } from "./random";
import { models as rds } from "./rds";
import { models as route53 } from "./route53";
import { models as s3 } from "./s3";
import { models as scheduler } from "./scheduler";
import { models as secretsmanager } from "./secretsmanager";
import { models as sesv2 } from "./sesv2";
import { models as sns } from "./sns";
import { models as sqs } from "./sqs";
import { models as tls } from "./tls";

/** Every resource type the provider model knows, by type token. */
export const MODELS: Readonly<Record<string, TypeModel>> = {
  ...acm,
  ...cloudwatch,
  ...cognito,
  ...ec2,
  ...ecs,
  ...iam,
  ...kms,
  ...lambda,
  ...lb,
  ...random,
  ...rds,
  ...route53,
  ...s3,
  ...scheduler,
  ...secretsmanager,
  ...sesv2,
  ...sns,
  ...sqs,
  ...tls,
};
