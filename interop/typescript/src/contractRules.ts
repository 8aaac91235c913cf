// A checker of the contract's rules written as data (see info.description of the contract): `x-rules` across the
// fields of a body and `x-exactly-one-of` across query parameters. The rules themselves are not here: they are
// extracted from the contract into src/generated/contract.ts, so a changed rule changes what is enforced.

/** A JSON pointer into the body; a `*` segment stands for every item of an array. */
export type Pointer = string;

export type ContractRule =
  /** The integer at `total` = Σ values at `add` − Σ values at `subtract` (an absent array sums to 0), and ≥ 0. */
  | { readonly rule: "sum"; readonly total: Pointer; readonly add: Pointer; readonly subtract?: Pointer }
  /** No two items of the array at `items` share the value of their `key`. */
  | { readonly rule: "unique"; readonly items: Pointer; readonly key: string }
  /**
   * Compare the body with the order as WeChat Pay holds it: only the server can check these, so the checker
   * accepts them without looking (they are listed so that an unknown kind still fails the build).
   */
  | { readonly rule: "not-above-order" | "lower-only"; readonly field: Pointer; readonly "order-field": Pointer };

export interface OperationFacts {
  readonly method: string;
  readonly path: string;
  /** In the order the contract declares them, which is the order they are sent in. */
  readonly query: readonly { readonly name: string; readonly required: boolean }[];
  readonly exactlyOneOf: readonly string[];
  readonly rules: readonly ContractRule[];
  /** The 2xx statuses the contract declares; any other 2xx is not a success of this operation. */
  readonly success: readonly number[];
}

export interface RuleViolation {
  /** `sum`, `unique`, or `x-exactly-one-of`. */
  readonly rule: string;
  /** The pointer (or parameter names) the rule is about. */
  readonly field: string;
  readonly message: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Every value the pointer reaches; absent members and out-of-range indexes reach nothing. */
export function select(document: unknown, pointer: Pointer): unknown[] {
  if (pointer === "") return [document];
  if (!pointer.startsWith("/")) throw new TypeError(`not a JSON pointer: ${JSON.stringify(pointer)}`);
  let nodes: unknown[] = [document];
  for (const raw of pointer.slice(1).split("/")) {
    const token = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    const next: unknown[] = [];
    for (const node of nodes) {
      if (raw === "*") {
        if (Array.isArray(node)) next.push(...node);
      } else if (Array.isArray(node)) {
        if (/^(0|[1-9][0-9]*)$/.test(token) && Number(token) < node.length) next.push(node[Number(token)]);
      } else if (isRecord(node) && Object.hasOwn(node, token)) {
        next.push(node[token]);
      }
    }
    nodes = next;
  }
  return nodes;
}

/** BigInt so a sum of up to 100 amounts near 2^53 is still exact. */
function total(document: unknown, pointer: Pointer | undefined, violations: RuleViolation[]): bigint {
  let sum = 0n;
  if (pointer === undefined) return sum;
  for (const value of select(document, pointer)) {
    if (typeof value === "number" && Number.isSafeInteger(value)) {
      sum += BigInt(value);
    } else {
      const message = `${pointer} holds ${JSON.stringify(value)}, not an integer`;
      violations.push({ rule: "sum", field: pointer, message });
    }
  }
  return sum;
}

function checkSum(body: unknown, rule: Extract<ContractRule, { rule: "sum" }>): RuleViolation[] {
  const violations: RuleViolation[] = [];
  const stated = select(body, rule.total);
  const added = total(body, rule.add, violations);
  const subtracted = total(body, rule.subtract, violations);
  if (violations.length > 0) return violations;
  const expected = added - subtracted;
  const [value] = stated;
  const formula = `Σ ${rule.add}${rule.subtract === undefined ? "" : ` − Σ ${rule.subtract}`}`;
  if (stated.length !== 1 || typeof value !== "number" || !Number.isSafeInteger(value)) {
    return [{ rule: "sum", field: rule.total, message: `${rule.total} must be one integer, ${formula} = ${expected}` }];
  }
  if (expected < 0n) {
    return [{ rule: "sum", field: rule.total, message: `${formula} = ${expected} is below 0` }];
  }
  if (BigInt(value) !== expected) {
    return [{ rule: "sum", field: rule.total, message: `${rule.total} is ${value}, but ${formula} = ${expected}` }];
  }
  return [];
}

function checkUnique(body: unknown, rule: Extract<ContractRule, { rule: "unique" }>): RuleViolation[] {
  const violations: RuleViolation[] = [];
  for (const items of select(body, rule.items)) {
    if (!Array.isArray(items)) continue;
    const seen = new Set<string>();
    for (const item of items) {
      if (!isRecord(item) || !Object.hasOwn(item, rule.key)) continue;
      const key = JSON.stringify(item[rule.key]);
      if (seen.has(key)) {
        const message = `two items of ${rule.items} have ${rule.key} ${key}`;
        violations.push({ rule: "unique", field: rule.items, message });
      }
      seen.add(key);
    }
  }
  return violations;
}

/** The violations of the body-only rules; rules that need the order as WeChat Pay holds it are left to it. */
export function checkRules(rules: readonly ContractRule[], body: unknown): RuleViolation[] {
  return rules.flatMap((rule) => {
    switch (rule.rule) {
      case "sum":
        return checkSum(body, rule);
      case "unique":
        return checkUnique(body, rule);
      case "not-above-order":
      case "lower-only":
        return [];
    }
  });
}

/** `x-exactly-one-of`: exactly one of the names is present (an empty string counts as present, and is invalid). */
export function checkExactlyOneOf(names: readonly string[], query: Readonly<Record<string, unknown>>): RuleViolation[] {
  if (names.length === 0) return [];
  const present = names.filter((name) => query[name] !== undefined);
  if (present.length === 1) return [];
  const field = names.join(", ");
  const found = present.length === 0 ? "none" : present.join(" and ");
  return [{ rule: "x-exactly-one-of", field, message: `exactly one of ${field} is required, got ${found}` }];
}

/**
 * The query with its parameters in the contract's declared order (object key order is what serializeQuery sends);
 * a name the contract does not declare for the operation is refused rather than appended somewhere.
 */
export function inDeclaredOrder(
  declared: OperationFacts["query"],
  query: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const names = new Set(declared.map((parameter) => parameter.name));
  const unknown = Object.keys(query).filter((name) => !names.has(name));
  if (unknown.length > 0) throw new TypeError(`query parameters not in the contract: ${unknown.join(", ")}`);
  const ordered: Record<string, unknown> = {};
  for (const { name } of declared) {
    if (query[name] !== undefined) ordered[name] = query[name];
  }
  return ordered;
}
