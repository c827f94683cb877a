// Validates a SARIF file against the official SARIF 2.1.0 JSON schema
// (the copy @microsoft/jest-sarif ships). Prints "valid" or the errors.
const fs = require("fs");
const path = require("path");
const Ajv = require("ajv");
const draft04 = require("ajv/lib/refs/json-schema-draft-04.json");
const schema = JSON.parse(
  fs.readFileSync(path.join(path.dirname(require.resolve("@microsoft/jest-sarif/package.json")), "lib/schemas/sarif-2.1.0-rtm.5.json"), "utf8"),
);
const ajv = new Ajv({ schemaId: "id", allErrors: true, verbose: false });
ajv.addMetaSchema(draft04);
const validate = ajv.compile(schema);
const log = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
if (validate(log)) {
  console.log("valid");
} else {
  console.log(JSON.stringify(validate.errors, null, 1));
}
