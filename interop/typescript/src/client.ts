// A typed client for the contract's service-order family: openapi-fetch over the generated `paths`, with
// WECHATPAY2 signing and verification always on, the contract's fixed query encoding, and a timeout (fetch has none
// by default). Beside the raw client, one function per operation: it refuses a call that breaks the contract's
// rules written as data (read from the contract, see src/generated/contract.ts) before anything is signed, sends
// the query in the declared order, and reads only answers the middleware has verified.
import createClient, { type Client } from "openapi-fetch";
import { checkExactlyOneOf, checkRules, inDeclaredOrder, type OperationFacts } from "./contractRules.js";
import { ContractRuleError, UnexpectedAnswerError } from "./errors.js";
import { operationFacts, type OperationId } from "./generated/contract.js";
import type { components, operations, paths } from "./generated/schema.js";
import { wechatPay2Middleware, type WechatPay2Options } from "./middleware.js";
import { serializeQuery } from "./query.js";

export type PayScoreClient = Client<paths>;

export interface PayScoreClientOptions extends WechatPay2Options {
  /** e.g. https://api.mch.weixin.qq.com, or the emulator's base URL. */
  readonly baseUrl: string;
  readonly timeoutMs?: number;
  /** Sent because WeChat Pay answers 400 INVALID_REQUEST to a request without one. */
  readonly userAgent?: string;
  /** For tests: replaces the network. */
  readonly fetch?: (request: Request) => Promise<Response>;
}

export const DEFAULT_USER_AGENT = `wechatpay-payscore-ts-interop/0.0.0 node/${process.versions.node}`;

export function createPayScoreClient(options: PayScoreClientOptions): PayScoreClient {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const send = options.fetch ?? ((request: Request) => globalThis.fetch(request));
  const client = createClient<paths>({
    baseUrl: options.baseUrl,
    headers: { Accept: "application/json", "User-Agent": options.userAgent ?? DEFAULT_USER_AGENT },
    querySerializer: serializeQuery,
    fetch: (request: Request) =>
      send(new Request(request, { signal: AbortSignal.any([request.signal, AbortSignal.timeout(timeoutMs)]) })),
  });
  client.use(wechatPay2Middleware(options));
  return client;
}

type Schemas = components["schemas"];
type Query<Id extends OperationId> = operations[Id]["parameters"]["query"];

/** A declared success, verified. `data` is undefined for a 204. */
export interface Accepted<T> {
  readonly ok: true;
  readonly status: number;
  readonly data: T;
  readonly requestId: string | null;
  /** Headers only: the body has been read. */
  readonly response: Response;
}

/**
 * A verified refusal (4xx/5xx with WeChat Pay's error body). Whether the call took effect is for the operation's
 * `x-outcome` to say: its `already-there` codes mean the order is already where the call would put it, and a 500
 * leaves the outcome unknown.
 */
export interface Refused {
  readonly ok: false;
  readonly status: number;
  readonly error: Schemas["ErrorResponse"];
  readonly requestId: string | null;
  readonly response: Response;
}

export type Answer<T> = Accepted<T> | Refused;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isErrorResponse(value: unknown): value is Schemas["ErrorResponse"] {
  return isRecord(value) && typeof value["code"] === "string" && typeof value["message"] === "string";
}

/** Throws ContractRuleError before anything is signed or sent. */
function refuseBroken(id: OperationId, call: { readonly body?: unknown; readonly query?: Record<string, unknown> }): void {
  const facts: OperationFacts = operationFacts[id];
  const violations = [
    ...(call.query === undefined ? [] : checkExactlyOneOf(facts.exactlyOneOf, call.query)),
    ...(call.body === undefined ? [] : checkRules(facts.rules, call.body)),
  ];
  if (violations.length > 0) throw new ContractRuleError(id, violations);
}

/** The contract's query order for this operation, then its one fixed encoding. */
function declaredOrder(id: OperationId): (query: Record<string, unknown>) => string {
  return (query) => serializeQuery(inDeclaredOrder(operationFacts[id].query, query));
}

/**
 * Reads an answer the middleware verified (an unverifiable one has already thrown). Only the statuses the contract
 * declares count as success; a 200 where it declares 204 is an unexpected answer, not a success.
 */
async function settle<T>(
  id: OperationId,
  call: Promise<{ readonly data?: unknown; readonly error?: unknown; readonly response: Response }>,
): Promise<Answer<T>> {
  const { data, error, response } = await call;
  const { status } = response;
  const requestId = response.headers.get("Request-ID");
  const success: readonly number[] = operationFacts[id].success;
  if (success.includes(status)) {
    if (status === 204) return { ok: true, status, data: undefined as T, requestId, response };
    // The types describe the answer, they do not check it: only its being a JSON object is checked here.
    if (isRecord(data)) return { ok: true, status, data: data as T, requestId, response };
  } else if (status >= 400 && isErrorResponse(error)) {
    return { ok: false, status, error, requestId, response };
  }
  throw new UnexpectedAnswerError(id, status, requestId);
}

/** POST …/serviceorder. The same body may be re-sent to settle an unknown outcome (原参重入). */
export async function createServiceOrder(
  client: PayScoreClient,
  body: Schemas["CreateServiceOrderRequest"],
): Promise<Answer<Schemas["CreatedServiceOrder"]>> {
  refuseBroken("createServiceOrder", { body });
  return settle("createServiceOrder", client.POST(operationFacts.createServiceOrder.path, { body }));
}

/** GET …/serviceorder by exactly one of out_order_no and query_id. */
export async function queryServiceOrder(
  client: PayScoreClient,
  query: Query<"queryServiceOrder">,
): Promise<Answer<Schemas["ServiceOrder"]>> {
  refuseBroken("queryServiceOrder", { query });
  return settle(
    "queryServiceOrder",
    client.GET(operationFacts.queryServiceOrder.path, {
      params: { query },
      querySerializer: declaredOrder("queryServiceOrder"),
    }),
  );
}

/** POST …/{out_order_no}/cancel → 204, the order REVOKED. */
export async function cancelServiceOrder(
  client: PayScoreClient,
  outOrderNo: string,
  body: Schemas["CancelServiceOrderRequest"],
): Promise<Answer<undefined>> {
  refuseBroken("cancelServiceOrder", { body });
  return settle(
    "cancelServiceOrder",
    client.POST(operationFacts.cancelServiceOrder.path, { params: { path: { out_order_no: outOrderNo } }, body }),
  );
}

/** POST …/{out_order_no}/complete → 204, the order DOING / MCH_COMPLETE. */
export async function completeServiceOrder(
  client: PayScoreClient,
  outOrderNo: string,
  body: Schemas["CompleteServiceOrderRequest"],
): Promise<Answer<undefined>> {
  refuseBroken("completeServiceOrder", { body });
  return settle(
    "completeServiceOrder",
    client.POST(operationFacts.completeServiceOrder.path, { params: { path: { out_order_no: outOrderNo } }, body }),
  );
}

/** POST …/{out_order_no}/modify → 204, the amount lowered. */
export async function modifyServiceOrder(
  client: PayScoreClient,
  outOrderNo: string,
  body: Schemas["ModifyServiceOrderRequest"],
): Promise<Answer<undefined>> {
  refuseBroken("modifyServiceOrder", { body });
  return settle(
    "modifyServiceOrder",
    client.POST(operationFacts.modifyServiceOrder.path, { params: { path: { out_order_no: outOrderNo } }, body }),
  );
}

/** POST …/{out_order_no}/registerdeductinfo → 200 with the description shown to the user. */
export async function registerDeductInfo(
  client: PayScoreClient,
  outOrderNo: string,
  body: Schemas["RegisterDeductInfoRequest"],
): Promise<Answer<Schemas["RegisteredDeduction"]>> {
  refuseBroken("registerDeductInfo", { body });
  return settle(
    "registerDeductInfo",
    client.POST(operationFacts.registerDeductInfo.path, { params: { path: { out_order_no: outOrderNo } }, body }),
  );
}

/** GET …/serviceorder/deduction: the registered deduction, or 404 ORDER_NOT_EXIST when there is none. */
export async function queryDeductInfo(
  client: PayScoreClient,
  query: Query<"queryDeductInfo">,
): Promise<Answer<Schemas["Deduction"]>> {
  refuseBroken("queryDeductInfo", { query });
  return settle(
    "queryDeductInfo",
    client.GET(operationFacts.queryDeductInfo.path, {
      params: { query },
      querySerializer: declaredOrder("queryDeductInfo"),
    }),
  );
}

/** POST …/{out_order_no}/sync → 204, the order DONE (paid through another channel). */
export async function syncServiceOrder(
  client: PayScoreClient,
  outOrderNo: string,
  body: Schemas["SyncServiceOrderRequest"],
): Promise<Answer<undefined>> {
  refuseBroken("syncServiceOrder", { body });
  return settle(
    "syncServiceOrder",
    client.POST(operationFacts.syncServiceOrder.path, { params: { path: { out_order_no: outOrderNo } }, body }),
  );
}
