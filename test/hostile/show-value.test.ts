import * as assert from "node:assert/strict";
import { cutText, parseErrorPlace, showValue } from "../../policy/engine/show-value";
import { projectFile } from "../../policy/pack/files";

describe("how a message quotes what a user wrote", () => {
  it("a long value is cut with an ellipsis and its length; a short one is quoted whole", () => {
    assert.equal(showValue("abc"), '"abc"');
    assert.equal(showValue("x".repeat(20_000_000), 5), '"xxxxx…" (20000000 characters)');
    assert.equal(cutText("y".repeat(10), 4), "yyyy… (10 characters)");
    assert.equal(showValue([1, 2, 3], 3), "[1,… (7 characters)");
  });

  it("a value of exactly the limit is shown whole, one more is cut", () => {
    assert.equal(cutText("abcd", 4), "abcd");
    assert.equal(cutText("abcde", 4), "abcd… (5 characters)");
    assert.equal(showValue("abcd", 4), '"abcd"');
    assert.equal(showValue("abcde", 4), '"abcd…" (5 characters)');
  });

  it("a value JSON cannot write (a BigInt, a cycle) is shown as its string form", () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    assert.equal(showValue(12n), "12");
    assert.equal(showValue(cycle), "[object Object]");
  });

  it("every control character, DEL, C1 and bidi override is escaped, never passed to the terminal", () => {
    assert.equal(showValue("\u001b[2J\u009b\u202e\u007f"), '"\\u001b[2J\\u009b\\u202e\\u007f"');
    assert.equal(cutText("a\nb\u0007"), "a\\u000ab\\u0007");
  });

  it("a parse error is its place and code, never the parser's excerpt or first bytes", () => {
    assert.equal(
      parseErrorPlace({ linePos: [{ line: 3, col: 7 }], code: "BAD_INDENT", message: "secret line" }),
      "line 3, column 7: BAD_INDENT",
    );
    assert.equal(
      parseErrorPlace(new SyntaxError(`Unexpected token 'r', "root:x:0:0" is not valid JSON`)),
      "syntax error",
    );
    assert.equal(
      parseErrorPlace(new SyntaxError("Expected ',' or '}' after property value in JSON at position 7")),
      "at character 7",
    );
    assert.equal(parseErrorPlace(new SyntaxError("Unexpected end of JSON input")), "it ends too early");
    assert.equal(parseErrorPlace(new SyntaxError("Unexpected token in JSON at position 1234")), "at character 1234");
    assert.equal(
      parseErrorPlace(new Error("Excessive alias count indicates a resource exhaustion attack")),
      "too many aliases: a YAML alias bomb, refused",
    );
    assert.equal(parseErrorPlace({}), "syntax error");
  });

  it("a pack file resolves inside the project, and only there", () => {
    const root = "/work/project";
    assert.equal(
      projectFile("lockFile", "parity.lock.json", "parity.lock.json", root),
      "/work/project/parity.lock.json",
    );
    assert.throws(
      () => projectFile("lockFile", "/etc/passwd", "parity.lock.json", root),
      /`lockFile` "\/etc\/passwd" is outside the project \(\/work\/project\)/,
    );
    assert.throws(() => projectFile("lockFile", "a/../../x", "parity.lock.json", root), /is outside the project/);
    assert.throws(
      () => projectFile("lockFile", ".", "parity.lock.json", root),
      /is outside the project/,
      "the project directory itself is not a file in it",
    );
  });
});
