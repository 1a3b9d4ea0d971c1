import * as assert from "node:assert/strict";
import {
  appEnvironmentKeys,
  buildAppEnvironment,
  queueUrlVariable,
  simulatedIntegrations,
} from "../../components/app-environment";
import { appEnvironmentInputFor, loadStackSettings, promiseOf } from "../mocks";

describe("components/app-environment", () => {
  const staging = loadStackSettings("staging");
  const production = loadStackSettings("production");
  const stagingEnv = buildAppEnvironment(appEnvironmentInputFor(staging));
  const productionEnv = buildAppEnvironment(appEnvironmentInputFor(production));
  const value = (env: typeof stagingEnv, name: string) => env.environment.find((e) => e.name === name)?.value;

  it("gives both stacks exactly the same keys, with the issue's required ones present", () => {
    assert.deepEqual(appEnvironmentKeys(stagingEnv), appEnvironmentKeys(productionEnv));
    for (const key of [
      "BASE_URL",
      "CORS_ORIGINS",
      "COOKIE_SECURE",
      "COOKIE_SAMESITE",
      "TRUST_PROXY",
      "HSTS_MAX_AGE",
      "TZ",
      "EMAIL_MODE",
      "PAYMENTS_MODE",
      "SMS_MODE",
      "SIMULATED_INTEGRATIONS",
      "UPLOADS_BUCKET",
      "UPLOAD_MAX_BYTES",
      "JOBS_QUEUE_URL",
      "MAIL_QUEUE_URL",
      "DATABASE_HOST",
      "DATABASE_SSLMODE",
      "AUTH_CALLBACK_PATH",
      "EMAIL_OUTBOX_BUCKET",
    ]) {
      assert.ok(appEnvironmentKeys(stagingEnv).includes(key), `missing ${key}`);
    }
  });

  it("derives per-stack values from the base URL and modes, and keeps structural ones equal", () => {
    assert.equal(value(stagingEnv, "BASE_URL"), "https://staging.app.example.com");
    assert.equal(value(productionEnv, "CORS_ORIGINS"), "https://app.example.com");
    assert.equal(value(stagingEnv, "SIMULATED_INTEGRATIONS"), "email,payments,sms");
    assert.equal(value(productionEnv, "SIMULATED_INTEGRATIONS"), "");
    for (const key of [
      "COOKIE_SECURE",
      "COOKIE_SAMESITE",
      "TRUST_PROXY",
      "HSTS_MAX_AGE",
      "TZ",
      "UPLOAD_MAX_BYTES",
      "JOB_TIMEOUT_SECONDS",
      "AUTH_CALLBACK_PATH",
      "AUTH_LOGOUT_PATH",
      "DATABASE_SSLMODE",
    ]) {
      assert.equal(value(stagingEnv, key), value(productionEnv, key), key);
    }
    assert.equal(value(stagingEnv, "COOKIE_SECURE"), "true");
    assert.equal(value(stagingEnv, "UPLOAD_MAX_BYTES"), String(25 * 1024 * 1024));
  });

  it("passes secrets only as ECS secrets, never as environment values", async () => {
    assert.deepEqual(
      stagingEnv.secrets.map((s) => s.name),
      ["DATABASE_PASSWORD", "PAYMENTS_API_KEY", "SIGNING_KEY"],
    );
    assert.equal(stagingEnv.secrets[0].valueFrom, "arn:staging-db:password::");
    const names = stagingEnv.environment.map((e) => e.name);
    for (const secret of stagingEnv.secrets)
      assert.ok(!names.includes(secret.name), `${secret.name} leaked into environment`);
    const values = await Promise.all(stagingEnv.environment.map((e) => promiseOf(e.value)));
    assert.ok(!values.some((v) => /sk_(test|live)_|PRIVATE KEY/.test(String(v))));
  });

  it("names one queue variable per configured queue and refuses a name that collides", () => {
    assert.equal(queueUrlVariable("mail-out"), "MAIL_OUT_QUEUE_URL");
    const env = buildAppEnvironment({
      ...appEnvironmentInputFor(staging),
      queueUrls: { jobs: "a", reports: "b", "mail-out": "c" },
    });
    assert.deepEqual(
      env.environment.map((e) => e.name).filter((n) => n.endsWith("_QUEUE_URL")),
      ["JOBS_QUEUE_URL", "MAIL_OUT_QUEUE_URL", "REPORTS_QUEUE_URL"],
    );
    assert.throws(
      () => buildAppEnvironment({ ...appEnvironmentInputFor(staging), queueUrls: { "mail-out": "a", mail_out: "b" } }),
      /queue `mail_out` maps to `MAIL_OUT_QUEUE_URL`/,
    );
  });

  it("marks an integration simulated exactly when it is not in its real mode", () => {
    assert.equal(simulatedIntegrations({ payments: "live", email: "capture", sms: "send" }), "email");
    assert.equal(simulatedIntegrations({ payments: "test", email: "send", sms: "log" }), "payments,sms");
  });
});
