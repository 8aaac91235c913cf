// The whole service-order family end to end against the Python emulator, through the typed functions of
// src/client.ts: every answer below reached the test only after the middleware verified its signature (an
// unverifiable one throws), and the emulator's log shows it verified each request's. The control surface stands in
// for the user and the clearing house. Tests run in order: each order walks through its life step by step.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  cancelServiceOrder,
  completeServiceOrder,
  createPayScoreClient,
  createServiceOrder,
  modifyServiceOrder,
  queryDeductInfo,
  queryServiceOrder,
  registerDeductInfo,
  syncServiceOrder,
  type Answer,
  type PayScoreClient,
} from "../src/client.js";
import { clientOptionsForEmulator, fetchEmulatorConfig, type EmulatorConfig } from "../src/emulatorConfig.js";
import { ContractRuleError, SignatureProbeError } from "../src/errors.js";
import type { components } from "../src/generated/schema.js";
import {
  advanceClock,
  collectDeduction,
  confirmOrder,
  ControlError,
  injectFault,
  lapseDeduction,
  loggedRequests,
  payOrder,
} from "./emulatorControl.js";
import { startEmulator, type RunningEmulator } from "./emulatorProcess.js";

type Schemas = components["schemas"];

// The ids of the contract's examples: the ones the emulator registers for the service.
const IDS = { service_id: "2002000000000558128851361561536", sub_mchid: "1900000109", channel_id: "1230000109" } as const;
const APPID = "wxd678efh567hg6787";
// `|` and `*` travel percent-encoded (%7C, %2A in a query) and are signed as sent.
const ORDER = "TS-FAMILY|A*1";
const CANCELLED = "TS-FAMILY-CANCEL-1";
const PAID_BY_USER = "TS-FAMILY-PAY-1";
const LAPSED = "TS-FAMILY-LAPSE-1";
const UNCONFIRMED = "TS-FAMILY-EXPIRE-1";

function createBody(outOrderNo: string, needUserConfirm = true): Schemas["CreateServiceOrderRequest"] {
  return {
    ...IDS,
    appid: APPID,
    out_order_no: outOrderNo,
    service_introduction: "某某酒店",
    post_payments: [{ name: "就餐费用", description: "就餐人均100元", amount: 40000, count: 4 }],
    post_discounts: [{ name: "满20减1元", description: "不与其他优惠叠加", amount: 100, count: 2 }],
    risk_fund: { name: "DEPOSIT", amount: 80000, description: "就餐的预估费用" },
    time_range: { start_time: "20301225091010", end_time: "20301225121010" },
    need_user_confirm: needUserConfirm,
    notify_url: "https://api.test.com",
  };
}

const COMPLETE: Schemas["CompleteServiceOrderRequest"] = {
  ...IDS,
  post_payments: [{ name: "就餐费用", description: "就餐人均100元", amount: 40000, count: 4 }],
  post_discounts: [{ name: "满20减1元", description: "不与其他优惠叠加", amount: 100, count: 2 }],
  total_amount: 39900,
  complete_time: "2030-12-25T12:10:10+08:00",
};

const MODIFY: Schemas["ModifyServiceOrderRequest"] = {
  ...IDS,
  post_payments: [{ name: "就餐费用", description: "就餐人均100元", amount: 30000, count: 3 }],
  total_amount: 30000,
  reason: "用户投诉",
};

const SYNC: Schemas["SyncServiceOrderRequest"] = { ...IDS, type: "Order_Paid", detail: { paid_time: "20301225121010" } };

const deductionBody = (outTradeNo: string): Schemas["RegisterDeductInfoRequest"] => ({
  ...IDS,
  appid: APPID,
  out_trade_no: outTradeNo,
});

/** The success, or a failed assertion that shows the refusal. */
function accepted<T>(answer: Answer<T>, status: number): T {
  assert.ok(answer.ok, `expected ${status}, got ${answer.status} ${JSON.stringify(answer.ok ? null : answer.error)}`);
  assert.equal(answer.status, status);
  return answer.data;
}

function refused<T>(answer: Answer<T>, status: number, code: string): Schemas["ErrorResponse"] {
  assert.ok(!answer.ok, `expected ${status} ${code}, got ${answer.status}`);
  assert.equal(answer.status, status);
  assert.equal(answer.error.code, code, answer.error.message);
  return answer.error;
}

describe("the service-order family against the emulator", () => {
  let emulator: RunningEmulator | undefined;
  let baseUrl: string;
  let config: EmulatorConfig;
  let client: PayScoreClient;

  const query = async (outOrderNo: string) =>
    accepted(await queryServiceOrder(client, { ...IDS, out_order_no: outOrderNo }), 200);

  /** The answer came signed with the public key asked for, and the emulator verified the request's signature. */
  async function assertSignedBothWays<T>(answer: Answer<T>): Promise<void> {
    assert.equal(answer.response.headers.get("Wechatpay-Serial"), config.wechatpay_public_key_id);
    assert.ok(answer.response.headers.get("Wechatpay-Signature"));
    const logged = (await loggedRequests(baseUrl)).find((entry) => entry.request_id === answer.requestId);
    assert.ok(logged, `the emulator logged ${answer.requestId}`);
    assert.equal(logged.signature_verified, true);
  }

  before(async () => {
    emulator = await startEmulator();
    baseUrl = emulator.baseUrl;
    config = await fetchEmulatorConfig(baseUrl);
    const options = await clientOptionsForEmulator(baseUrl, config);
    client = createPayScoreClient(options);
  });

  after(async () => {
    await emulator?.stop();
  });

  test("create with need_user_confirm: 200, the order CREATED with its package", async () => {
    const answer = await createServiceOrder(client, createBody(ORDER));
    const order = accepted(answer, 200);
    assert.equal(order.out_order_no, ORDER);
    assert.equal(order.state, "CREATED");
    assert.equal(order.state_description, undefined);
    assert.equal(typeof order.package, "string");
    assert.ok(order.package.length > 0);
    await assertSignedBothWays(answer);
  });

  test("re-sending the identical create answers the same order (原参重入)", async () => {
    const order = accepted(await createServiceOrder(client, createBody(ORDER)), 200);
    assert.equal(order.out_order_no, ORDER);
    assert.equal(order.state, "CREATED");
  });

  test("complete on a CREATED order: a signed, verified 400 INVALID_ORDER_STATE", async () => {
    const answer = await completeServiceOrder(client, ORDER, COMPLETE);
    refused(answer, 400, "INVALID_ORDER_STATE");
    await assertSignedBothWays(answer);
  });

  test("the user confirms (control surface): DOING / USER_CONFIRM", async () => {
    const changed = await confirmOrder(baseUrl, ORDER);
    assert.equal(changed["state"], "DOING");
    const order = await query(ORDER);
    assert.equal(order.state, "DOING");
    assert.equal(order.state_description, "USER_CONFIRM");
  });

  test("a complete breaking the sum rule is refused before it is signed or sent", async () => {
    const before = (await loggedRequests(baseUrl)).length;
    await assert.rejects(
      completeServiceOrder(client, ORDER, { ...COMPLETE, total_amount: 40000 }),
      (error: unknown) =>
        error instanceof ContractRuleError &&
        error.operationId === "completeServiceOrder" &&
        error.violations.some((violation) => violation.rule === "sum" && violation.field === "/total_amount"),
    );
    // The sum holds (40000 − 2 × 100), only the discount names repeat.
    const discounts = COMPLETE.post_discounts ?? [];
    await assert.rejects(
      completeServiceOrder(client, ORDER, { ...COMPLETE, post_discounts: [...discounts, ...discounts], total_amount: 39800 }),
      (error: unknown) =>
        error instanceof ContractRuleError && error.violations.every((violation) => violation.rule === "unique"),
    );
    assert.equal((await loggedRequests(baseUrl)).length, before, "nothing reached the emulator");
  });

  test("the same broken sum sent through the raw client is refused by the emulator: 400 PARAM_ERROR", async () => {
    // The raw openapi-fetch call applies no x-rules: this is the server's own check of the same rule.
    const { error, response } = await client.POST("/v3/payscore/acquiringbank/serviceorder/{out_order_no}/complete", {
      params: { path: { out_order_no: ORDER } },
      body: { ...COMPLETE, total_amount: 40000 },
    });
    assert.equal(response.status, 400);
    assert.equal(error?.code, "PARAM_ERROR");
    // Refused on the rule, so the order is still where the complete applies.
    assert.equal((await query(ORDER)).state_description, "USER_CONFIRM");
  });

  test("complete: a verified 204, then the query shows DOING / MCH_COMPLETE, USER_PAYING, our total", async () => {
    const answer = await completeServiceOrder(client, ORDER, COMPLETE);
    assert.equal(accepted(answer, 204), undefined);
    await assertSignedBothWays(answer);

    const order = await query(ORDER);
    assert.equal(order.state, "DOING");
    assert.equal(order.state_description, "MCH_COMPLETE");
    assert.equal(order.total_amount, COMPLETE.total_amount);
    assert.equal(order.collection?.state, "USER_PAYING");
  });

  test("a probe signature on a typed call is rejected, and the next call verifies again", async () => {
    await injectFault(baseUrl, "probe_signature", ORDER);
    await assert.rejects(queryServiceOrder(client, { ...IDS, out_order_no: ORDER }), SignatureProbeError);
    assert.equal((await query(ORDER)).state_description, "MCH_COMPLETE");
  });

  test("modify lowers the amount: 204, and the query shows the new total", async () => {
    const answer = await modifyServiceOrder(client, ORDER, MODIFY);
    accepted(answer, 204);
    await assertSignedBothWays(answer);
    const order = await query(ORDER);
    assert.equal(order.state_description, "MCH_COMPLETE");
    assert.equal(order.total_amount, MODIFY.total_amount);
  });

  test("registerDeductInfo: 200 with the description shown to the user", async () => {
    const answer = await registerDeductInfo(client, ORDER, deductionBody("TS-DEDUCT|A*1"));
    const registered = accepted(answer, 200);
    assert.equal(typeof registered.description, "string");
    await assertSignedBothWays(answer);
  });

  test("queryDeductInfo reads it back, the query sent in the declared order and encoding, signed as sent", async () => {
    // Given in another order on purpose: the client sends the contract's.
    const answer = await queryDeductInfo(client, {
      out_order_no: ORDER,
      channel_id: IDS.channel_id,
      sub_mchid: IDS.sub_mchid,
      appid: APPID,
      service_id: IDS.service_id,
    });
    const deduction = accepted(answer, 200);
    assert.equal(deduction.out_trade_no, "TS-DEDUCT|A*1");
    assert.equal(typeof deduction.description, "string");
    await assertSignedBothWays(answer);
    const logged = (await loggedRequests(baseUrl)).find((entry) => entry.request_id === answer.requestId);
    assert.equal(
      logged?.target,
      "/v3/payscore/acquiringbank/serviceorder/deduction?service_id=2002000000000558128851361561536" +
        "&appid=wxd678efh567hg6787&sub_mchid=1900000109&channel_id=1230000109&out_order_no=TS-FAMILY%7CA%2A1",
    );
  });

  test("while the deduction is effective, modify and cancel are refused INVALID_ORDER_STATE", async () => {
    const lower = { ...MODIFY, post_payments: [{ name: "就餐费用", amount: 20000 }], total_amount: 20000 };
    refused(await modifyServiceOrder(client, ORDER, lower), 400, "INVALID_ORDER_STATE");
    refused(await cancelServiceOrder(client, ORDER, { ...IDS, reason: "用户投诉" }), 400, "INVALID_ORDER_STATE");
  });

  test("the clearing house collects the deduction (control surface): DONE, USER_PAID", async () => {
    await collectDeduction(baseUrl, ORDER);
    const order = await query(ORDER);
    assert.equal(order.state, "DONE");
    assert.equal(order.collection?.state, "USER_PAID");
    assert.equal(order.collection?.paid_amount, MODIFY.total_amount);
    refused(await syncServiceOrder(client, ORDER, SYNC), 400, "ORDER_DONE");
  });

  test("cancel another order: 204, REVOKED; the identical re-send succeeds again", async () => {
    accepted(await createServiceOrder(client, createBody(CANCELLED)), 200);
    const body = { ...IDS, reason: "用户取消" };
    const answer = await cancelServiceOrder(client, CANCELLED, body);
    accepted(answer, 204);
    await assertSignedBothWays(answer);
    assert.equal((await query(CANCELLED)).state, "REVOKED");
    accepted(await cancelServiceOrder(client, CANCELLED, body), 204);
    refused(await completeServiceOrder(client, CANCELLED, COMPLETE), 400, "ORDER_CANCELED");
  });

  test("without need_user_confirm the order starts DOING / USER_CONFIRM; the user pays it actively", async () => {
    const created = accepted(await createServiceOrder(client, createBody(PAID_BY_USER, false)), 200);
    assert.equal(created.state, "DOING");
    assert.equal(created.state_description, "USER_CONFIRM");
    accepted(await completeServiceOrder(client, PAID_BY_USER, COMPLETE), 204);
    await payOrder(baseUrl, PAID_BY_USER);
    const order = await query(PAID_BY_USER);
    assert.equal(order.state, "DONE");
    assert.equal(order.collection?.state, "USER_PAID");
  });

  test("a lapsed deduction no longer blocks the sync", async () => {
    accepted(await createServiceOrder(client, createBody(LAPSED, false)), 200);
    accepted(await completeServiceOrder(client, LAPSED, COMPLETE), 204);
    accepted(await registerDeductInfo(client, LAPSED, deductionBody("TS-DEDUCT-LAPSE-1")), 200);
    refused(await syncServiceOrder(client, LAPSED, SYNC), 400, "INVALID_ORDER_STATE");
    await lapseDeduction(baseUrl, LAPSED);
    accepted(await syncServiceOrder(client, LAPSED, SYNC), 204);
    const order = await query(LAPSED);
    assert.equal(order.state, "DONE");
    const paidTime = SYNC.detail.paid_time;
    assert.ok(order.collection?.details?.some((detail) => detail.paid_type === "MCH" && detail.paid_time === paidTime));
  });

  test("the control surface answers 404 for an unknown order and 409 when the state forbids the event", async () => {
    const status = (expected: number) => (error: unknown) => error instanceof ControlError && error.status === expected;
    await assert.rejects(confirmOrder(baseUrl, "TS-NO-SUCH-ORDER"), status(404));
    await assert.rejects(confirmOrder(baseUrl, PAID_BY_USER), status(409));
  });

  test("a query naming both out_order_no and query_id is refused before it is sent (x-exactly-one-of)", async () => {
    await assert.rejects(
      queryServiceOrder(client, { ...IDS, out_order_no: ORDER, query_id: "15646546545165651651" }),
      (error: unknown) => error instanceof ContractRuleError && error.violations[0]?.rule === "x-exactly-one-of",
    );
    await assert.rejects(queryServiceOrder(client, { ...IDS }), ContractRuleError);
  });

  // Last: moving the order clock ages every order of this emulator.
  test("an order left CREATED for 30 days expires (control clock)", async () => {
    accepted(await createServiceOrder(client, createBody(UNCONFIRMED)), 200);
    await advanceClock(baseUrl, 30 * 24 * 3600 + 1);
    assert.equal((await query(UNCONFIRMED)).state, "EXPIRED");
    refused(await cancelServiceOrder(client, UNCONFIRMED, { ...IDS, reason: "用户取消" }), 400, "ORDER_CANCELED");
  });
});
