import * as assert from "node:assert/strict";
import { HttpsEndpoint, TLS_POLICY } from "../../components/https-endpoint";
import { Settings } from "../../config/settings";
import { named, ofType, parentType, promiseOf, renderStack, RenderedStack, renderBothStacks } from "../mocks";

const build = (s: Settings) =>
  new HttpsEndpoint("web", {
    namePrefix: `${s.project}-${s.environment}`,
    domain: s.domain,
    zoneName: s.zoneName,
    vpcId: "vpc-0test",
    publicSubnetIds: ["subnet-a", "subnet-b"],
    securityGroupId: "sg-0edge",
  });

describe("components/https-endpoint", () => {
  const stacks = renderBothStacks(build);
  const listener = (r: RenderedStack<HttpsEndpoint>, name: string) => named(r.resources, name).inputs;

  it("terminates HTTPS with a modern TLS policy and redirects HTTP permanently, the same in both stacks", () => {
    for (const r of [stacks.staging, stacks.production]) {
      const https = listener(r, "web-https");
      assert.equal(https.protocol, "HTTPS");
      assert.equal(https.sslPolicy, TLS_POLICY);
      assert.equal(TLS_POLICY, "ELBSecurityPolicy-TLS13-1-2-2021-06");
      const http = listener(r, "web-http");
      assert.deepEqual((http.defaultActions as { redirect: unknown }[])[0].redirect, {
        protocol: "HTTPS",
        port: "443",
        statusCode: "HTTP_301",
      });
      assert.equal(named(r.resources, "web-alb").inputs.dropInvalidHeaderFields, true);
      assert.equal((named(r.resources, "web-targets").inputs.healthCheck as { path: string }).path, "/healthz");
      assert.ok(r.resources.filter((x) => x.custom).every((x) => parentType(x) === "parity:components:HttpsEndpoint"));
    }
  });

  it("validates a certificate for the stack's own domain through DNS in the stack's zone", async () => {
    for (const r of [stacks.staging, stacks.production]) {
      assert.equal(named(r.resources, "web-cert").inputs.domainName, r.settings.domain);
      const record = named(r.resources, "web-cert-validation").inputs;
      assert.equal(record.type, "CNAME");
      assert.match(String(record.name), new RegExp(`\\.${r.settings.domain.replace(/\./g, "\\.")}\\.$`));
      const zone = r.calls.find((c) => c.token === "aws:route53/getZone:getZone");
      // Each stack looks up its own zone: staging's is delegated to its account (README, "DNS").
      assert.equal(zone?.inputs.name, r.stack === "staging" ? "staging.app.example.com" : "example.com");
      assert.equal(record.zoneId, await promiseOf(r.built.zoneId));
      const validated = named(r.resources, "web-cert-validated").inputs;
      assert.deepEqual(validated.validationRecordFqdns, [String(record.name).replace(/\.$/, "")]);
    }
  });

  it("points an alias record for the domain at the load balancer", () => {
    const alias = named(stacks.staging.resources, "web-alias").inputs;
    assert.equal(alias.name, "staging.app.example.com");
    assert.equal(alias.type, "A");
    const target = (alias.aliases as { name: string; evaluateTargetHealth: boolean }[])[0];
    assert.match(target.name, /^parity-staging-web-\d+\.us-east-1\.elb\.amazonaws\.com$/);
    assert.equal(
      ofType(stacks.production.resources, "aws:route53/record:Record").length,
      ofType(stacks.staging.resources, "aws:route53/record:Record").length,
    );
  });

  it("refuses a domain outside the zone", async () => {
    await assert.rejects(
      renderStack(
        "staging",
        () =>
          new HttpsEndpoint("bad", {
            namePrefix: "p",
            domain: "app.example.org",
            zoneName: "example.com",
            vpcId: "v",
            publicSubnetIds: [],
            securityGroupId: "sg",
          }),
      ),
      /`domain` app\.example\.org is not inside the zone/,
    );
  });
});
