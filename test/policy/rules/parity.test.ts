import * as assert from "node:assert/strict";
import type { PolicyConfigInput, PolicyVerdict } from "../../../tools/simulator/analyzer";
import { type StackSnapshot, UNKNOWN } from "../../../tools/simulator/snapshot";
import { policies } from "../../../policy/policies";
import {
  expectNoRuleViolation,
  expectRuleViolation,
  RULE_SHAPES,
  runRules,
  violationsOf,
} from "../../support/rule-harness";
import { bothSnapshots, changeContainers, mutate } from "../harness";
import { projectCopy } from "../temp-file";

/**
 * stack-parity and parity-notes, in process: each divergence from production's lock is rejected with
 * a message naming the resource, the path and both values; declared differences and values unknown
 * until deployment are advisory notes; production itself is told its lock is stale.
 */

const PARITY = "stack-parity";
const NOTES = "parity-notes";
const SG = "parity:components:Network$aws:ec2/securityGroup:SecurityGroup::network-edge-sg";
const TASK = "parity:components:FargateService$aws:ecs/taskDefinition:TaskDefinition::web-task";

/** Messages without the policy description the SDK puts on the first line. */
const messages = (v: readonly PolicyVerdict[]) => v.map((x) => x.message.split("\n").slice(1).join("\n"));

describe("stack-parity and parity-notes (in process)", function () {
  this.timeout(120_000);
  let staging: StackSnapshot;
  let production: StackSnapshot;

  before(async () => {
    [staging, production] = await bothSnapshots();
  });

  for (const shape of RULE_SHAPES) {
    const run = (s: StackSnapshot, config?: PolicyConfigInput, only = [PARITY]) =>
      runRules(shape.of(s), { ...shape.options, config, only });
    const rejects = (s: StackSnapshot, ...patterns: RegExp[]) =>
      expectRuleViolation(shape.of(s), PARITY, patterns, shape.options);
    const notes = async (s: StackSnapshot, config?: PolicyConfigInput) =>
      messages((await run(s, config, [NOTES])).filter((v) => v.policyName === NOTES));

    describe(`stack-parity (${shape.name})`, () => {
      it("passes the real staging and production stacks", async () => {
        await expectNoRuleViolation(shape.of(staging), PARITY, shape.options);
        await expectNoRuleViolation(shape.of(production), PARITY, shape.options);
      });

      it("rejects another engine version, naming the resource, the property and both values, on the resource", async () => {
        const v = await rejects(
          mutate(staging, "db-instance", (p) => void (p.engineVersion = "15.4")),
          /\n`parity:components:Database\$aws:rds\/instance:Instance::db-instance` \(aws:rds\/instance:Instance\) property `engineVersion`: this stack has "15\.4", production has "16" \(parity\.lock\.json\)\. Fix: /,
        );
        assert.equal(v.resourceName, "db-instance");
        assert.doesNotMatch(v.message, /parity:lock/, "staging is not told to rewrite production's lock");
      });

      it("rejects a changed database parameter, by the parameter's name", async () => {
        await rejects(
          mutate(staging, "db-params", (p) => {
            p.parameters = (p.parameters as { name: string; value: string }[]).map((x) =>
              x.name === "timezone" ? { ...x, value: "Europe/Paris" } : x,
            );
          }),
          /db-params/,
          /parameters\[name=timezone\]\.value/,
          /this stack has "Europe\/Paris", production has "UTC"/,
        );
      });

      it("rejects a queue retried once, inside a JSON string", async () => {
        await rejects(
          mutate(
            staging,
            "jobs-jobs",
            (p) =>
              void (p.redrivePolicy = JSON.stringify({ ...JSON.parse(String(p.redrivePolicy)), maxReceiveCount: 1 })),
          ),
          /redrivePolicy\.maxReceiveCount`: this stack has 1, production has 5/,
        );
      });

      it("rejects another schedule timezone", async () => {
        await rejects(
          mutate(staging, "jobs-daily-report", (p) => void (p.scheduleExpressionTimezone = "America/New_York")),
          /jobs-daily-report/,
          /scheduleExpressionTimezone`: this stack has "America\/New_York", production has "UTC"/,
        );
      });

      it("rejects a changed callback path (compared with the domain as a placeholder)", async () => {
        await rejects(
          mutate(
            staging,
            "auth-web-client",
            (p) => void (p.callbackUrls = ["https://staging.app.example.com/callback"]),
          ),
          /callbackUrls`: this stack has \["https:\/\/\{domain\}\/callback"\], production has \["https:\/\/\{domain\}\/auth\/callback"\]/,
        );
      });

      it("masks a value on a password, token or key path in its message", async () => {
        // Production declares no masterPassword, so the lock cannot place it: an advisory note, masked.
        const v = await run(
          mutate(staging, "db-instance", (p) => void (p.masterPassword = "hunter2-in-clear")),
          undefined,
          [PARITY, NOTES],
        );
        assert.ok(
          messages(v).some((m) => /`masterPassword` is \[secret\] here, where production declares nothing/.test(m)),
          messages(v).join("\n"),
        );
        assert.ok(!v.some((x) => x.message.includes("hunter2-in-clear")), "a policy message printed the password");
        for (const [leaf, value] of [
          ["dbPassword", "s3cr3t-value"],
          ["privateKey", "pem-value"],
          ["apiKey", "key-value"],
          ["token", "tok-value"],
          ["passphrase", "phrase-value"],
        ]) {
          const shown = await run(mutate(production, "jobs-jobs", (p) => void (p[leaf] = value)));
          const mine = messages(violationsOf(shown, PARITY)).filter((m) => m.includes(`\`${leaf}\``));
          assert.ok(
            mine.length > 0 && mine.every((m) => m.includes("[secret]") && !m.includes(value)),
            `${leaf}: ${mine.join("\n")}`,
          );
        }
        // A name that only contains a credential word, not ends in one, is shown.
        const plain = await run(mutate(production, "jobs-jobs", (p) => void (p.tokenPolicy = "visible-value")));
        assert.ok(messages(violationsOf(plain, PARITY)).some((m) => m.includes("visible-value")));
      });

      it("masks a credential by the last name of a nested path, and shows a missing one as not set", async () => {
        const nested = await run(
          mutate(production, "jobs-jobs", (p) => void (p.auth = { token: "tok-nested", note: "visible-note" })),
        );
        const mine = messages(violationsOf(nested, PARITY)).filter((m) => m.includes("`auth."));
        assert.ok(
          mine.some((m) => m.includes("`auth.token`: this stack has [secret]")),
          mine.join("\n"),
        );
        assert.ok(
          mine.some((m) => m.includes('`auth.note`: this stack has "visible-note"')),
          mine.join("\n"),
        );
        assert.ok(!mine.some((m) => m.includes("tok-nested")));
        const quoted = await run(
          mutate(production, "jobs-jobs", (p) => void (p.tags = { ...(p.tags as object), "my.apikey": "key-in-tag" })),
        );
        const tag = messages(violationsOf(quoted, PARITY)).filter((m) => m.includes("tags"));
        assert.ok(
          tag.some((m) => m.includes('`tags["my.apikey"]`: this stack has [secret]')),
          tag.join("\n"),
        );
      });

      it("shows a setting about a credential (a token's validity) as it is", async () => {
        await rejects(
          mutate(staging, "auth-web-client", (p) => void (p.accessTokenValidity = 7)),
          /`accessTokenValidity`: this stack has 7, production has \d+/,
        );
      });

      it("rejects a changed env var value, and an env var key only one stack has", async () => {
        await rejects(
          mutate(
            staging,
            "web-task",
            changeContainers((c) => {
              c[0].environment = c[0].environment.map((e) =>
                e.name === "COOKIE_SAMESITE" ? { ...e, value: "none" } : e,
              );
            }),
          ),
          /\nEnv var `COOKIE_SAMESITE` of service `web-task\/app`: this stack has "none", production has "lax" \(parity\.lock\.json\)\. Fix: /,
        );
        await rejects(
          mutate(
            staging,
            "worker-task",
            changeContainers((c) => void c[0].environment.push({ name: "DEBUG_SQL", value: "1" })),
          ),
          /\nEnv var `DEBUG_SQL` of service `worker-task\/app`: this stack sets it and production does not; every environment gets the same keys with different values\. Fix: /,
        );
        await rejects(
          mutate(
            staging,
            "worker-task",
            changeContainers(
              (c) => void (c[0].environment = c[0].environment.filter((e) => e.name !== "JOB_TIMEOUT_SECONDS")),
            ),
          ),
          /\nEnv var `JOB_TIMEOUT_SECONDS` of service `worker-task\/app`: production sets it and this stack does not; every environment gets the same keys/,
        );
      });

      it("rejects a removed resource and an extra one, each on its own line with its component", async () => {
        const copy = structuredClone(staging) as StackSnapshot;
        await rejects(
          { ...copy, resources: copy.resources.filter((r) => r.name !== "jobs-cleanup") },
          /\n`parity:components:JobQueues\$aws:scheduler\/schedule:Schedule::jobs-cleanup` \(aws:scheduler\/schedule:Schedule, component jobs\) exists in production \(parity\.lock\.json\) but this stack does not create it\. Fix: /,
        );
        const queue = copy.resources.find((r) => r.name === "jobs-mail");
        assert.ok(queue);
        const extra = {
          ...structuredClone(queue),
          urn: queue.urn.replace(/jobs-mail$/, "jobs-debug"),
          name: "jobs-debug",
        };
        const v = await rejects(
          { ...copy, resources: [...copy.resources, extra] },
          /\n`parity:components:JobQueues\$aws:sqs\/queue:Queue::jobs-debug` \(aws:sqs\/queue:Queue, component jobs\) exists in this stack but not in production \(parity\.lock\.json\)\. Fix: .*declare it in known-differences\.yaml/,
        );
        assert.equal(v.resourceName, "jobs-debug");
      });

      it("rejects a list element only this stack has as one violation listing what it holds", async () => {
        const v = await run(
          mutate(
            staging,
            "network-edge-sg",
            (p) =>
              void (p.ingress = [
                ...(p.ingress as unknown[]),
                { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.0.0.0/8"], description: "ssh" },
              ]),
          ),
        );
        const mine = messages(violationsOf(v, PARITY));
        assert.deepEqual(mine.filter((m) => m.includes("network-edge-sg")).length, 1, mine.join("\n"));
        assert.match(
          mine[0],
          new RegExp(
            `^\`${SG.replace(/\$/g, "\\$")}\` \\(aws:ec2/securityGroup:SecurityGroup\\) list element \`ingress\\[2\\]\` exists in this stack but not in production \\(parity\\.lock\\.json\\); it holds \\{cidrBlocks: \\["10\\.0\\.0\\.0/8"\\], description: "ssh", fromPort: 22, protocol: "tcp", toPort: 22\\}\\. Fix: remove it from this stack, or add it to production too`,
          ),
        );
        assert.equal(violationsOf(v, PARITY)[0].resourceName, "network-edge-sg");
      });

      it("reports two new list elements as two violations, each container with its own env vars", async () => {
        const twoRules = await run(
          mutate(
            staging,
            "network-edge-sg",
            (p) =>
              void (p.ingress = [
                ...(p.ingress as unknown[]),
                { protocol: "tcp", fromPort: 22, toPort: 22, description: "ssh" },
                { protocol: "tcp", fromPort: 23, toPort: 23, description: "telnet" },
              ]),
          ),
        );
        assert.equal(
          messages(violationsOf(twoRules, PARITY)).filter((m) => m.includes("list element `ingress[")).length,
          2,
        );
        const containers = mutate(
          staging,
          "web-task",
          changeContainers((c) => {
            c.push({
              name: "one",
              image: "busybox",
              essential: false,
              environment: [{ name: "ONE_ONLY", value: "1" }],
              secrets: [],
            });
            c.push({
              name: "two",
              image: "busybox",
              essential: false,
              environment: [{ name: "TWO_ONLY", value: "2" }],
              secrets: [],
            });
          }),
        );
        const both = mutate(
          containers,
          "network-edge-sg",
          (p) =>
            void (p.ingress = [
              ...(p.ingress as unknown[]),
              { protocol: "tcp", fromPort: 22, toPort: 22, description: "ssh" },
            ]),
        );
        const m = messages(violationsOf(await run(both), PARITY));
        const one = m.find((x) => x.includes("containerDefinitions[name=one]"));
        const two = m.find((x) => x.includes("containerDefinitions[name=two]"));
        const sg = m.find((x) => x.includes("list element `ingress["));
        assert.match(one ?? "", /environment: ONE_ONLY\}/);
        assert.match(two ?? "", /environment: TWO_ONLY\}/);
        assert.doesNotMatch(sg ?? "", /environment/);
      });

      it("rejects a list element only production has, with production's contents", async () => {
        const v = await run(
          mutate(staging, "network-edge-sg", (p) => void (p.ingress = (p.ingress as unknown[]).slice(0, 1))),
        );
        const mine = messages(violationsOf(v, PARITY));
        assert.ok(
          mine.some((m) =>
            /list element `ingress\[1\]` exists in production \(parity\.lock\.json\) but not in this stack; production's holds \{description: "HTTP, redirected to HTTPS", fromPort: 80, ipv6CidrBlocks: \["::\/0"\], protocol: "tcp", toPort: 80\}\. Fix: make this stack build it the way production does/.test(
              m,
            ),
          ),
          mine.join("\n"),
        );
      });

      it("groups a container only this stack has, its env vars and secrets by key only, cut to a short line", async () => {
        const v = await run(
          mutate(
            staging,
            "web-task",
            changeContainers((c) => void c.push({ ...structuredClone(c[0]), name: "sidecar" })),
          ),
        );
        const mine = messages(violationsOf(v, PARITY)).filter((m) => m.includes("sidecar"));
        assert.equal(mine.length, 1, mine.join("\n"));
        assert.match(
          mine[0],
          new RegExp(
            `^\`${TASK.replace(/\$/g, "\\$")}\` \\(aws:ecs/taskDefinition:TaskDefinition\\) list element \`containerDefinitions\\[name=sidecar\\]\` exists in this stack but not in production \\(parity\\.lock\\.json\\); it holds \\{command: \\["web"\\], `,
          ),
        );
        const contents = /it holds (\{.*\})\. Fix/.exec(mine[0])?.[1] ?? "";
        assert.equal(contents.length, 240, contents);
        assert.match(contents, /^\{command: \["web"\], .*\.\.\.\}$/);
        assert.ok(contents.endsWith("...}"), contents);
      });

      it("lists an element's env vars, and its secrets without their values", async () => {
        const v = await run(
          mutate(
            staging,
            "web-task",
            changeContainers(
              (c) =>
                void c.push({
                  name: "tiny",
                  image: "busybox",
                  essential: false,
                  environment: [
                    { name: "MODE", value: "x" },
                    { name: "LEVEL", value: "y" },
                  ],
                  secrets: [
                    { name: "TOKEN", valueFrom: c[0].secrets[0].valueFrom },
                    { name: "OTHER", valueFrom: c[0].secrets[1].valueFrom },
                  ],
                }),
            ),
          ),
        );
        const mine = messages(violationsOf(v, PARITY)).filter((m) => m.includes("name=tiny"));
        assert.equal(mine.length, 1, mine.join("\n"));
        assert.match(
          mine[0],
          /it holds \{essential: false, image: "busybox", name: "tiny", environment: LEVEL, MODE, secrets: OTHER, TOKEN \(values not shown\)\}\./,
        );
      });

      it("rejects a stack whose AWS provider does not say which environment it is, and stops there", async () => {
        const untagged = mutate(
          staging,
          "aws",
          (p) => void (p.defaultTags = JSON.stringify({ tags: { "parity:project": "parity" } })),
          "pulumi:providers:aws",
        );
        await rejects(
          untagged,
          /\nNo `pulumi:providers:aws` resource carries the default tag `parity:environment`, so the pack cannot tell whether this stack is production\.$/m,
        );
        assert.match(
          String(policies.find((p) => p.name === PARITY)?.remediationSteps),
          /defaultTags\.tags\["parity:environment"\]/,
        );
        const each = messages(violationsOf(await run(untagged), PARITY)).filter((m) =>
          /does not use the stack's tagged AWS provider/.test(m),
        );
        assert.deepEqual(each, [], "no resource is blamed for the provider's missing tag");
      });

      it("rejects an AWS resource on another provider, on that resource", async () => {
        const v = await rejects(
          mutate(staging, "jobs-jobs", (_p, r) => void delete r.provider),
          /\n`jobs-jobs` \(aws:sqs\/queue:Queue\) does not use the stack's tagged AWS provider \(`parity:environment`\), so it escapes the environment's rules and its tags\.$/m,
        );
        assert.equal(v.resourceName, "jobs-jobs");
        // A non-AWS resource without a provider is no concern of this check.
        const random = messages(
          violationsOf(await run(mutate(staging, "db-reset", (_p, r) => void delete r.provider)), PARITY),
        );
        assert.ok(
          !random.some((m) => /db-reset.*does not use the stack's tagged AWS provider/.test(m)),
          random.join("\n"),
        );
      });

      it("tells production to regenerate the lock when its structure changed", async () => {
        await rejects(
          mutate(production, "jobs-jobs", (p) => void (p.receiveWaitTimeSeconds = 5)),
          /receiveWaitTimeSeconds`: this stack has 5, production has 20 \(parity\.lock\.json\)\. Fix: if production is meant to change, run `npm run parity:lock` and commit parity\.lock\.json/,
        );
      });

      it("rejects in production a difference known-differences.yaml declares for staging: the lock is stale", async () => {
        await rejects(
          mutate(
            production,
            "web-task",
            changeContainers((c) => {
              c[0].environment = c[0].environment.map((e) =>
                e.name === "PAYMENTS_MODE" ? { ...e, value: "test" } : e,
              );
            }),
          ),
          /\nEnv var `PAYMENTS_MODE` of service `web-task\/app`: this stack has "test", production has "live" \(parity\.lock\.json\)\. Fix: if production is meant to change/,
        );
      });

      it("rejects in production a list element the lock lacks, as a stale lock", async () => {
        const v = await run(
          mutate(
            production,
            "network-edge-sg",
            (p) =>
              void (p.ingress = [
                ...(p.ingress as unknown[]),
                { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.0.0.0/8"] },
              ]),
          ),
        );
        const mine = messages(violationsOf(v, PARITY));
        assert.ok(
          mine.some((m) =>
            /list element `ingress\[2\]` exists in this stack but not in parity\.lock\.json; it holds .*Fix: if production is meant to change/.test(
              m,
            ),
          ),
          mine.join("\n"),
        );
      });

      it("rejects in production a value the lock cannot place, masked when it is a credential", async () => {
        const v = await rejects(
          mutate(production, "db-instance", (p) => void (p.masterPassword = "hunter2-in-clear")),
          /\n`parity:components:Database\$aws:rds\/instance:Instance::db-instance` \(aws:rds\/instance:Instance\) property `masterPassword`: this stack has \[secret\], where production declares nothing .*, though the lock is written from production\. Fix: if production is meant to change/,
        );
        assert.ok(!v.message.includes("hunter2"));
      });

      it("rejects a declaration that reaches a staging-only resource of a security type", async () => {
        const copy = structuredClone(staging) as StackSnapshot;
        const sg = copy.resources.find((r) => r.name === "network-edge-sg");
        assert.ok(sg);
        const extra = {
          ...structuredClone(sg),
          name: "auth-seed-sg",
          urn: sg.urn.replace(/network-edge-sg$/, "auth-seed-sg"),
        };
        await rejects(
          { ...copy, resources: [...copy.resources, extra] },
          /\nknown-differences\.yaml declaration `seeded-accounts`: declares `parity:components:Network\$aws:ec2\/securityGroup:SecurityGroup::auth-seed-sg` \(aws:ec2\/securityGroup:SecurityGroup\) as existing only in staging/,
        );
      });

      it("counts a value unknown until deployment as neither a match nor a divergence", async () => {
        const v = await run(mutate(staging, "jobs-jobs", (p) => void (p.visibilityTimeoutSeconds = UNKNOWN)));
        assert.deepEqual(messages(violationsOf(v, PARITY)), []);
      });

      it("reads the lock and the declarations named in its config", async () => {
        const lockFile = projectCopy("parity.lock.json", (t) => t.replace('"engine": "postgres"', '"engine": "mysql"'));
        await expectRuleViolation(
          shape.of(staging),
          PARITY,
          [/`engine`: this stack has "postgres", production has "mysql"/],
          { ...shape.options, config: { [PARITY]: { lockFile } } },
        );
        const knownDifferencesFile = projectCopy("known-differences.yaml", (t) =>
          t.replace("env: [PAYMENTS_MODE]", "env: [PAYMENTS_MODE_OTHER]"),
        );
        await expectRuleViolation(
          shape.of(staging),
          PARITY,
          [/Env var `PAYMENTS_MODE` of service `web-task\/app`: this stack has "test", production has "live"/],
          { ...shape.options, config: { [PARITY]: { knownDifferencesFile } } },
        );
      });

      it("is switched off through policy config", async () => {
        const drifted = mutate(staging, "db-instance", (p) => void (p.engineVersion = "15.4"));
        assert.deepEqual(violationsOf(await run(drifted, { [PARITY]: "disabled" }), PARITY), []);
      });
    });

    describe(`parity-notes (${shape.name})`, () => {
      it("notes each declared difference of staging, advisory, naming the declaration", async () => {
        const v = (await run(staging, undefined, [NOTES])).filter((x) => x.policyName === NOTES);
        assert.ok(v.length > 0 && v.every((x) => x.enforcementLevel === "advisory"));
        const m = messages(v);
        assert.ok(
          m.includes(
            "`parity:components:Network$aws:ec2/natGateway:NatGateway::network-nat-1` exists only in production, as declared by `single-nat-gateway` in known-differences.yaml.",
          ),
          m.join("\n"),
        );
        assert.ok(
          m.includes(
            "`parity:components:AuthClients$aws:secretsmanager/secret:Secret::auth-seeded-accounts` exists only in this stack, as declared by `seeded-accounts` in known-differences.yaml.",
          ),
        );
        assert.ok(
          m.includes(
            "Env var `PAYMENTS_MODE` of `web-task/app` differs from production as declared by `payments-sandbox` (test here, live in production).",
          ),
        );
        assert.ok(
          m.includes(
            "Env var `SIMULATED_INTEGRATIONS` of `web-task/app` differs from production as declared by `simulated-state-visible` (email,payments,sms here,  in production).",
          ),
        );
        assert.ok(
          m.includes(
            '`parity:components:Integrations$aws:secretsmanager/secret:Secret::integrations-payments-key` `tags["parity:mode"]` is "test" here and "live" in production, as declared by `payments-sandbox`.',
          ),
        );
        const seeded = v.find((x) => x.message.includes("auth-seeded-accounts` exists only"));
        assert.equal(seeded?.resourceName, "auth-seeded-accounts");
      });

      it("has nothing to note on production", async () => {
        assert.deepEqual(await notes(production), []);
      });

      it("notes a declared list element only one stack has, with its contents", async () => {
        const knownDifferencesFile = projectCopy(
          "known-differences.yaml",
          (t) => `${t}
  - id: staging-ddl-log
    what: Staging logs every DDL statement.
    why: A test fixture.
    howToTestSafely: Read the database log.
    resources: ["db-params"]
    properties: ["parameters[name=log_statement]*"]
`,
        );
        const changed = mutate(
          staging,
          "db-params",
          (p) =>
            void (p.parameters = [
              ...(p.parameters as unknown[]),
              { name: "log_statement", value: "ddl", applyMethod: "immediate" },
            ]),
        );
        const config = { [NOTES]: { knownDifferencesFile }, [PARITY]: { knownDifferencesFile } };
        const v = await run(changed, config, [NOTES, PARITY]);
        assert.deepEqual(messages(violationsOf(v, PARITY)), []);
        const m = messages(v.filter((x) => x.policyName === NOTES));
        assert.ok(
          m.includes(
            '`parity:components:Database$aws:rds/parameterGroup:ParameterGroup::db-params` list element `parameters[name=log_statement]` exists only in this stack ({applyMethod: "immediate", name: "log_statement", value: "ddl"}), as declared by `staging-ddl-log`.',
          ),
          m.join("\n"),
        );
        assert.equal(v.find((x) => x.message.includes("log_statement"))?.resourceName, "db-params");
      });

      it("notes a declared list element only production has", async () => {
        const knownDifferencesFile = projectCopy(
          "known-differences.yaml",
          (t) => `${t}
  - id: staging-no-lock-waits
    what: Staging does not log lock waits.
    why: A test fixture.
    howToTestSafely: Read the database log.
    resources: ["db-params"]
    properties: ["parameters[name=log_lock_waits]*"]
`,
        );
        const changed = mutate(
          staging,
          "db-params",
          (p) => void (p.parameters = (p.parameters as { name: string }[]).filter((x) => x.name !== "log_lock_waits")),
        );
        const v = await run(changed, { [NOTES]: { knownDifferencesFile }, [PARITY]: { knownDifferencesFile } }, [
          NOTES,
          PARITY,
        ]);
        assert.deepEqual(messages(violationsOf(v, PARITY)), []);
        const m = messages(v.filter((x) => x.policyName === NOTES));
        assert.ok(
          m.includes(
            '`parity:components:Database$aws:rds/parameterGroup:ParameterGroup::db-params` list element `parameters[name=log_lock_waits]` exists only in production ({applyMethod: "immediate", name: "log_lock_waits", value: "1"}), as declared by `staging-no-lock-waits`.',
          ),
          m.join("\n"),
        );
      });

      it("notes an unknown value once, not again for each path beneath it", async () => {
        const m = await notes(mutate(staging, "jobs-jobs", (p) => void (p.redrivePolicy = UNKNOWN)));
        assert.deepEqual(
          m.filter((x) => x.includes("redrivePolicy")),
          [
            "`parity:components:JobQueues$aws:sqs/queue:Queue::jobs-jobs` `redrivePolicy` is unknown until deployment, so its parity with production ((not set)) is not proven by this preview.",
          ],
        );
      });

      it("notes a value the lock cannot place in staging, masked when it is a credential", async () => {
        const m = await notes(mutate(staging, "db-instance", (p) => void (p.masterPassword = "hunter2-in-clear")));
        assert.ok(
          m.includes(
            "`parity:components:Database$aws:rds/instance:Instance::db-instance` `masterPassword` is [secret] here, where production declares nothing and parity.lock.json knows no provider default: a default the offline provider model lacks (add it under tools/simulator/provider-model and run `npm run parity:lock`), or a setting only this stack makes (`npm run parity` compares the two programs and says which).",
          ),
          m.join("\n"),
        );
        assert.ok(!m.some((x) => x.includes("hunter2")));
        assert.deepEqual(
          messages(
            violationsOf(
              await run(mutate(staging, "db-instance", (p) => void (p.masterPassword = "hunter2-in-clear"))),
              PARITY,
            ),
          ),
          [],
          "in staging it is a note, not a violation",
        );
      });

      it("notes nothing in production, where a value the lock cannot place is stack-parity's finding", async () => {
        assert.deepEqual(
          (await notes(mutate(production, "db-instance", (p) => void (p.masterPassword = "hunter2-in-clear")))).filter(
            (m) => m.includes("masterPassword"),
          ),
          [],
        );
      });

      it("notes no divergence: an undeclared removed resource, list element or container is stack-parity's", async () => {
        const copy = structuredClone(staging) as StackSnapshot;
        const removed = { ...copy, resources: copy.resources.filter((r) => r.name !== "jobs-cleanup") };
        const changed = mutate(
          mutate(
            removed,
            "network-edge-sg",
            (p) => void (p.ingress = [...(p.ingress as unknown[]), { protocol: "tcp", fromPort: 22, toPort: 22 }]),
          ),
          "web-task",
          changeContainers(
            (c) =>
              void c.push({
                name: "extra",
                image: "busybox",
                essential: false,
                environment: [{ name: "EXTRA_ONLY", value: "1" }],
                secrets: [],
              }),
          ),
        );
        const m = await notes(changed);
        assert.deepEqual(
          m.filter((x) => /jobs-cleanup|ingress|extra|EXTRA_ONLY/.test(x)),
          [],
        );
      });

      it("notes a value unknown until deployment, with production's value", async () => {
        const m = await notes(mutate(staging, "jobs-jobs", (p) => void (p.visibilityTimeoutSeconds = UNKNOWN)));
        assert.ok(
          m.some((x) =>
            /^`parity:components:JobQueues\$aws:sqs\/queue:Queue::jobs-jobs` `visibilityTimeoutSeconds` is unknown until deployment, so its parity with production \(\d+\) is not proven by this preview\.$/.test(
              x,
            ),
          ),
          m.join("\n"),
        );
      });
    });
  }
});
