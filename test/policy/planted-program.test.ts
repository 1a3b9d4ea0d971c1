import * as assert from "node:assert/strict";
import { findAnchor } from "./planted-program";

/** The plantings' anchors survive a reformat of the program (Prettier, `npm run format`). */
describe("planted program: finding an anchor in any layout", () => {
  const anchor = `ingress: [{ protocol: "tcp", fromPort: 5432, securityGroups: [sg], description: "From app tasks" }]`;

  it("finds it as written, on one line", () => {
    const text = `const x = {\n  ${anchor},\n};\n`;
    assert.deepEqual(findAnchor(text, anchor), { at: text.indexOf("ingress"), found: anchor });
  });

  it("finds it broken over lines, with the trailing commas a formatter adds", () => {
    const broken = `ingress: [\n    {\n      protocol: "tcp",\n      fromPort: 5432,\n      securityGroups: [sg],\n      description: "From app tasks",\n    },\n  ]`;
    const text = `const x = {\n  ${broken},\n};\n`;
    assert.deepEqual(findAnchor(text, anchor), { at: text.indexOf("ingress"), found: broken });
  });

  it("ignores the anchor's own indentation and line breaks", () => {
    assert.equal(
      findAnchor("      maxAgeSeconds: 3000,\n    },\n", "              maxAgeSeconds: 3000,\n            },")?.found,
      "maxAgeSeconds: 3000,\n    },",
    );
  });

  it("keeps names, strings and numbers exact", () => {
    assert.equal(findAnchor(anchor.replace("5432", "54 32"), anchor), undefined);
    assert.equal(findAnchor(anchor.replace("From app", "From  app"), anchor), undefined);
    assert.equal(findAnchor("containerPort: args_port", "containerPort: args.port"), undefined);
  });

  it("refuses an anchor found twice or not at all", () => {
    assert.equal(findAnchor(`${anchor}\n${anchor}`, anchor), undefined);
    assert.equal(findAnchor("egress: []", anchor), undefined);
  });
});
