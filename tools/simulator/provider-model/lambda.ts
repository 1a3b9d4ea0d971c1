import { createHash } from "node:crypto";
import { arn, type TypeModel } from "./model";

/**
 * Lambda (Terraform docs: lambda_function, lambda_invocation). The defaults are those of the
 * `__defaults` list in pulumi-aws's replay test TestSourceCodeHashImportedLambdaChecksCleanly
 * (memorySize 128, reservedConcurrentExecutions -1, timeout 3).
 */

const MODIFIED = "2026-01-05T09:26:40.118+0000";

export const models: Record<string, TypeModel> = {
  "aws:lambda/function:Function": {
    autoname: { maxLength: 64 },
    defaults: {
      memorySize: 128,
      packageType: "Zip",
      publish: false,
      replaceSecurityGroupsOnDestroy: false,
      reservedConcurrentExecutions: -1,
      skipDestroy: false,
      timeout: 3,
    },
    computed: (r) => {
      const functionArn = arn(r.env, "lambda", `function:${r.physical}`);
      const hash = createHash("sha256")
        .update(JSON.stringify(r.inputs["code"] ?? r.physical))
        .digest("base64");
      const version =
        r.inputs["publish"] === true ? String(r.env.generated.int(`${r.key}\0version`, 2, 40)) : "$LATEST";
      const invoke = (target: string) =>
        `arn:${r.env.partition}:apigateway:${r.env.region}:lambda:path/2015-03-31/functions/${target}/invocations`;
      return {
        id: r.physical,
        architectures: ["x86_64"],
        arn: functionArn,
        codeSha256: hash,
        ephemeralStorage: { size: 512 },
        invokeArn: invoke(functionArn),
        lastModified: MODIFIED,
        loggingConfig: {
          applicationLogLevel: "",
          logFormat: "Text",
          logGroup: `/aws/lambda/${r.physical}`,
          systemLogLevel: "",
        },
        qualifiedArn: `${functionArn}:${version}`,
        qualifiedInvokeArn: invoke(`${functionArn}:${version}`),
        sourceCodeHash: hash,
        sourceCodeSize: r.env.generated.int(`${r.key}\0size`, 900, 4000),
        tracingConfig: { mode: "PassThrough" },
        version,
      };
    },
  },
  "aws:lambda/invocation:Invocation": {
    defaults: { lifecycleScope: "CREATE_ONLY", qualifier: "$LATEST", terraformKey: "tf" },
    computed: (r) => ({
      id: `${String(r.inputs["functionName"])}_${String(r.inputs["qualifier"] ?? "$LATEST")}_${createHash("md5")
        .update(String(r.inputs["input"] ?? ""))
        .digest("hex")}`,
      result: JSON.stringify({ status: "ok", applied: 0 }),
    }),
  },
};
