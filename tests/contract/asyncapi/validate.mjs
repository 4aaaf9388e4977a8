// Validate an AsyncAPI document with @asyncapi/parser (pinned in tools/node).
//   NODE_PATH=<tools/node's node_modules> node validate.mjs <document.json>
// Prints the diagnostics as one JSON array on stdout; exits 1 when any is an error.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

// ES imports ignore NODE_PATH; a CommonJS require honours it (the tools live outside the repo).
const require = createRequire(import.meta.url);
const { Parser, DiagnosticSeverity } = require("@asyncapi/parser");

const [path] = process.argv.slice(2);
if (!path) {
  console.error("usage: node validate.mjs <document.json>");
  process.exit(2);
}
const diagnostics = await new Parser().validate(readFileSync(path, "utf8"));
const severities = ["error", "warning", "information", "hint"];
const report = diagnostics.map((d) => ({
  severity: severities[d.severity] ?? String(d.severity),
  code: d.code,
  message: d.message,
  path: d.path.join("/"),
}));
console.log(JSON.stringify(report));
process.exit(diagnostics.some((d) => d.severity === DiagnosticSeverity.Error) ? 1 : 0);
