import * as assert from "node:assert/strict";
import {
  ASSET_SHOWN,
  flatten,
  isEmptyLeaf,
  parseJsonString,
  PULUMI_UNKNOWN,
  SECRET_SHOWN,
  UNKNOWN_VALUE,
} from "../../policy/engine/flatten";

/** Property paths: every shape a resource's inputs take, and the leaf each one becomes. */

const SIG = "4dabf18193072939515e22adb298388d";
const secret = (value: unknown) => ({ [SIG]: "1b47061264138c4ac30d75fd1eb44270", value });

describe("flatten: paths and leaves", () => {
  it("writes identifier keys with dots and any other key in brackets, at every depth", () => {
    const flat = flatten({
      tags: { "aws:SecureTransport": "true", Name: "x" },
      "odd key": { $inner_1: 1, "9lives": 2 },
    });
    assert.deepEqual(
      [...flat],
      [
        ['["odd key"].$inner_1', 1],
        ['["odd key"]["9lives"]', 2],
        ["tags.Name", "x"],
        ['tags["aws:SecureTransport"]', "true"],
      ],
    );
  });

  it("keys env entries by name, other elements by a unique id field, and the rest by position", () => {
    const flat = flatten({
      environment: [
        { name: "TZ", value: "UTC" },
        { name: "DB", valueFrom: "arn:db" },
      ],
      statements: [{ Sid: "Read", Effect: "Allow" }],
      rules: [
        { name: "a", port: 1 },
        { name: "a", port: 2 },
      ],
      mixed: [{ name: "TZ", value: "UTC", extra: true }],
    });
    assert.deepEqual(Object.fromEntries(flat), {
      "environment[TZ]": "UTC",
      "environment[DB]": "arn:db",
      "statements[Sid=Read].Effect": "Allow",
      "statements[Sid=Read].Sid": "Read",
      "rules[0].name": "a",
      "rules[0].port": 1,
      "rules[1].name": "a",
      "rules[1].port": 2,
      "mixed[name=TZ].extra": true,
      "mixed[name=TZ].name": "TZ",
      "mixed[name=TZ].value": "UTC",
    });
  });

  it("keeps a list of plain values, empty lists and empty objects as one leaf, markers inside", () => {
    const flat = flatten({ list: ["a", PULUMI_UNKNOWN, secret("s"), 2], none: [], empty: {}, nested: [[1], { a: 1 }] });
    assert.deepEqual(Object.fromEntries(flat), {
      list: ["a", UNKNOWN_VALUE, SECRET_SHOWN, 2],
      none: [],
      empty: {},
      nested: [[1], { a: 1 }],
    });
  });

  it("shows assets and archives as present, in the wire encoding and as SDK objects, and skips undefined", () => {
    const flat = flatten({
      code: { [SIG]: "0def7320c3a5731c473e5ecbe6d01bc7", path: "a.zip" },
      asset: { __pulumiAsset: true, text: "x" },
      archive: { __pulumiArchive: true },
      gone: undefined,
    });
    assert.deepEqual(Object.fromEntries(flat), { archive: ASSET_SHOWN, asset: ASSET_SHOWN, code: ASSET_SHOWN });
  });

  it("parses only strings that hold a JSON object or array", () => {
    assert.deepEqual(parseJsonString(' {"a":1} '), { a: 1 });
    assert.deepEqual(parseJsonString("[1]"), [1]);
    for (const v of ["{a", "[1}", "{1]", "x}", "{x", "null", '"{}"', "1", "", 1, null, { a: 1 }]) {
      assert.equal(parseJsonString(v), undefined, JSON.stringify(v));
    }
  });

  it("counts null, false, empty text, zero and empty lists or objects as nothing set", () => {
    for (const v of [null, false, "", 0, [], {}]) assert.equal(isEmptyLeaf(v), true, JSON.stringify(v));
    for (const v of ["x", 1, true, [0], { a: 1 }, " "]) assert.equal(isEmptyLeaf(v), false, JSON.stringify(v));
  });

  it("keeps a null leaf, and a list holding null as one value", () => {
    assert.deepEqual(
      [...flatten({ a: null, list: [null, { b: 1 }] })],
      [
        ["a", null],
        ["list", [null, { b: 1 }]],
      ],
    );
  });

  it("keys elements by a field only when every element has it as text; an env entry's name must be text", () => {
    assert.deepEqual(
      [...flatten({ rules: [{ name: "a", port: 1 }, { port: 2 }] }).keys()],
      ["rules[0].name", "rules[0].port", "rules[1].port"],
    );
    assert.deepEqual(
      [
        ...flatten({
          pairs: [
            { name: 1, value: "x" },
            { name: 2, value: "y" },
          ],
        }).keys(),
      ],
      ["pairs[0].name", "pairs[0].value", "pairs[1].name", "pairs[1].value"],
    );
  });
});
