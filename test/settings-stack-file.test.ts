import * as assert from "node:assert/strict";
import { closestKey, ConfigError, ConfigProblem, parseSettings, STRUCTURAL_KEYS } from "../config/settings";
import { loadStackSettings, PROJECT, rawConfig, readYaml, STACKS } from "./mocks";

/** What a stack file may hold: only keys the program reads, and no structural setting of its own. */

function problems(stack: string, overrides: Record<string, string | undefined>): ConfigProblem[] {
  try {
    loadStackSettings(stack, overrides);
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return [...e.problems];
  }
  assert.fail(`expected ${stack} to be rejected`);
}

describe("settings: keys a stack file may hold", () => {
  it("accepts the committed stack files, and validation reads every key Pulumi.yaml declares", () => {
    for (const stack of STACKS) assert.equal(loadStackSettings(stack).stack, stack);
    const declared = Object.keys((readYaml("Pulumi.yaml") as { config: Record<string, unknown> }).config).map(
      (k) => `${PROJECT}:${k}`,
    );
    const read: string[] = [];
    const raw = rawConfig("staging");
    parseSettings({ ...raw, get: (k) => (read.push(k), raw.get(k)) });
    assert.deepEqual(
      declared.filter((k) => !read.includes(k)),
      [],
    );
  });

  it("rejects a typo'd key with the key it probably meant", () => {
    const found = problems("staging", { "parity:webDesiredCnt": "2", "parity:scheduleTimezne": "UTC" });
    assert.deepEqual(found.map((p) => p.key).sort(), ["parity:scheduleTimezne", "parity:webDesiredCnt"]);
    const typo = found.find((p) => p.key === "parity:webDesiredCnt");
    assert.match(typo?.problem ?? "", /^unknown key: .*did you mean `parity:webDesiredCount`\?$/);
    assert.equal(typo?.fix, "rename it to `parity:webDesiredCount` in Pulumi.staging.yaml");
  });

  it("rejects an unknown key that resembles nothing with a remove-the-line fix, and leaves other namespaces alone", () => {
    const [p, ...rest] = problems("production", { "parity:featureFlags": "x", "aws:profile": "ops" });
    assert.deepEqual(rest, []);
    assert.equal(p.key, "parity:featureFlags");
    assert.match(p.problem, /^unknown key: the program reads no such setting\.$/);
    assert.match(p.fix, /remove the line from Pulumi\.production\.yaml/);
    assert.equal(closestKey("parity:zzz", ["parity:domain"]), undefined);
  });

  it("rejects a structural setting a stack file changes, naming the file to remove it from", () => {
    const [p, ...rest] = problems("staging", { "parity:scheduleTimezone": "Europe/Madrid" });
    assert.deepEqual(rest, []);
    assert.equal(p.key, "parity:scheduleTimezone");
    assert.equal(
      p.problem,
      "structural settings are the same in every stack: remove this line from Pulumi.staging.yaml.",
    );
    assert.deepEqual(STRUCTURAL_KEYS, [
      "productionDomain",
      "queues",
      "scheduleTimezone",
      "maxUploadMb",
      "cookieSameSite",
      "hstsMaxAgeSeconds",
    ]);
    // The project default written out again is the same setting, not a divergence.
    assert.equal(
      loadStackSettings("staging", { "parity:queues": '["jobs", "mail"]', "parity:maxUploadMb": "25" }).queues.length,
      2,
    );
  });

  it("suggests fixes that pass when applied: production backup retention 0 suggests 7", () => {
    const [p] = problems("production", { "parity:dbBackupRetentionDays": "0" });
    assert.match(p.problem, /between 7 and 35 \(production keeps at least 7 days of backups\)/);
    assert.equal(p.fix, "pulumi config set --stack production parity:dbBackupRetentionDays 7");
    assert.equal(
      loadStackSettings("production", { "parity:dbBackupRetentionDays": "7" }).database.backupRetentionDays,
      7,
    );
    assert.equal(loadStackSettings("staging", { "parity:dbBackupRetentionDays": "1" }).database.backupRetentionDays, 1);
  });

  it("every `pulumi config set` fix it suggests is accepted when applied", () => {
    const bad: [string, Record<string, string>][] = [
      [
        "production",
        {
          "parity:dbBackupRetentionDays": "0",
          "parity:natGateways": "9",
          "parity:logRetentionDays": "4000",
          "parity:dbMaxAllocatedStorageGb": "20",
        },
      ],
      [
        "staging",
        { "parity:paymentsMode": "live", "parity:domain": "app.example.com", "parity:zoneName": "other.org" },
      ],
    ];
    for (const [stack, overrides] of bad) {
      const fixes: Record<string, string> = {};
      for (const p of problems(stack, overrides)) {
        const m = new RegExp(`^pulumi config set --stack ${stack} (\\S+) (\\S+)$`).exec(p.fix);
        assert.ok(m, `not a plain set command: ${p.fix}`);
        fixes[m[1]] = m[2].replace(/^"|"$/g, "");
      }
      assert.doesNotThrow(
        () => loadStackSettings(stack, { ...overrides, ...fixes }),
        `${stack}: applying ${JSON.stringify(fixes)}`,
      );
    }
  });
});
