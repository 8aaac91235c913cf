// Writes src/generated/contract.ts: the facts of each operation that openapi-typescript's types cannot carry
// (the query parameters' declared order, x-exactly-one-of, x-rules, the declared success statuses), read from the
// contract so the client enforces what the contract says rather than a copy typed in by hand.
// `node scripts/extract-contract.mjs` writes the file; `--check` fails when it differs from a fresh extraction.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import yaml from "js-yaml";

const CONTRACT = fileURLToPath(new URL("../../../openapi/payscore-acquiringbank.yaml", import.meta.url));
const OUTPUT = fileURLToPath(new URL("../src/generated/contract.ts", import.meta.url));
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

const document = yaml.load(readFileSync(CONTRACT, "utf8"));

/** Only local `#/…` references occur in the contract; anything else is refused rather than guessed. */
function resolve(node) {
  if (node === null || typeof node !== "object" || typeof node.$ref !== "string") return node;
  if (!node.$ref.startsWith("#/")) throw new Error(`unsupported $ref ${node.$ref}`);
  let target = document;
  for (const raw of node.$ref.slice(2).split("/")) {
    target = target?.[raw.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  if (target === undefined) throw new Error(`dangling $ref ${node.$ref}`);
  return resolve(target);
}

const operations = {};
for (const [path, item] of Object.entries(document.paths)) {
  const shared = (item.parameters ?? []).map(resolve);
  for (const method of METHODS) {
    const operation = item[method];
    if (operation === undefined) continue;
    const parameters = [...shared, ...(operation.parameters ?? []).map(resolve)];
    operations[operation.operationId] = {
      method: method.toUpperCase(),
      path,
      query: parameters.filter((p) => p.in === "query").map((p) => ({ name: p.name, required: p.required === true })),
      exactlyOneOf: operation["x-exactly-one-of"] ?? [],
      rules: operation["x-rules"] ?? [],
      success: Object.keys(operation.responses)
        .filter((status) => /^2[0-9][0-9]$/.test(status))
        .map(Number),
    };
  }
}

const text = `// Extracted from ../../openapi/payscore-acquiringbank.yaml by \`npm run generate\`
// (scripts/extract-contract.mjs); do not edit by hand. \`satisfies\` makes the build fail on a rule kind the
// checker in src/contractRules.ts does not know, instead of silently skipping it.
import type { OperationFacts } from "../contractRules.js";

export const operationFacts = ${JSON.stringify(operations, null, 2)} as const satisfies Record<string, OperationFacts>;

export type OperationId = keyof typeof operationFacts;
`;

if (process.argv.includes("--check")) {
  let current = "";
  try {
    current = readFileSync(OUTPUT, "utf8");
  } catch {
    // reported below as a difference
  }
  if (current !== text) {
    console.error(`${OUTPUT} differs from the contract: run npm run generate`);
    process.exit(1);
  }
} else {
  writeFileSync(OUTPUT, text);
}
