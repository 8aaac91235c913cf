// The checker of the contract's rules written as data, fed with the rules extracted from the contract, and the
// typed functions' reading of answers (declared statuses only), with the network replaced by a fake WeChat Pay.
import assert from "node:assert/strict";
import { sign } from "node:crypto";
import { describe, test } from "node:test";
import { completeServiceOrder, createPayScoreClient, createServiceOrder, queryDeductInfo } from "../src/client.js";
import { checkExactlyOneOf, checkRules, inDeclaredOrder, select } from "../src/contractRules.js";
import { ContractRuleError, UnexpectedAnswerError } from "../src/errors.js";
import { operationFacts } from "../src/generated/contract.js";
import type { components } from "../src/generated/schema.js";
import { buildResponseMessage } from "../src/verifier.js";
import { ids, testOnlyMerchantPrivateKey, testOnlyPlatformPrivateKey, testOnlyPlatformPublicKey } from "./vectors.js";

const completeRules = operationFacts.completeServiceOrder.rules;
const IDS = { service_id: "2002000000000558128851361561536", sub_mchid: "1900000109", channel_id: "1230000109" };

describe("the rules extracted from the contract", () => {
  test("complete and modify carry the amount rule; their success is 204, create's and the queries' 200", () => {
    for (const facts of [operationFacts.completeServiceOrder, operationFacts.modifyServiceOrder]) {
      assert.ok(facts.rules.some((rule) => rule.rule === "sum"));
      assert.ok(facts.rules.some((rule) => rule.rule === "unique"));
      assert.deepEqual(facts.success, [204]);
    }
    const { createServiceOrder: create, queryServiceOrder: query, queryDeductInfo: deduction } = operationFacts;
    for (const facts of [create, query, deduction]) {
      assert.deepEqual(facts.success, [200]);
    }
    assert.deepEqual(operationFacts.queryServiceOrder.exactlyOneOf, ["out_order_no", "query_id"]);
  });

  test("queryDeductInfo's parameters keep the declared order", () => {
    assert.deepEqual(
      operationFacts.queryDeductInfo.query.map((parameter) => parameter.name),
      ["service_id", "appid", "sub_mchid", "sub_appid", "channel_id", "out_order_no"],
    );
  });
});

describe("JSON pointers with *", () => {
  const body = { a: [{ n: 1 }, { n: 2 }, {}], "x/y": { "~": 3 } };
  test("a * segment reaches every item; absent members reach nothing", () => {
    assert.deepEqual(select(body, "/a/*/n"), [1, 2]);
    assert.deepEqual(select(body, "/missing/*/n"), []);
    assert.deepEqual(select(body, "/a/1/n"), [2]);
    assert.deepEqual(select(body, "/a/9/n"), []);
  });
  test("~1 and ~0 unescape", () => {
    assert.deepEqual(select(body, "/x~1y/~0"), [3]);
  });
});

describe("the x-rules checker", () => {
  const good: components["schemas"]["CompleteServiceOrderRequest"] = {
    ...IDS,
    post_payments: [
      { name: "a", amount: 40000 },
      { name: "b", amount: 500 },
    ],
    post_discounts: [{ name: "d", description: "x", amount: 100 }],
    total_amount: 40400,
  };

  test("a body that keeps the rules has no violation", () => {
    assert.deepEqual(checkRules(completeRules, good), []);
  });

  test("a wrong total breaks the sum rule, named by its pointer", () => {
    const [violation, ...rest] = checkRules(completeRules, { ...good, total_amount: 40500 });
    assert.equal(rest.length, 0);
    assert.equal(violation?.rule, "sum");
    assert.equal(violation?.field, "/total_amount");
  });

  test("absent discounts sum to 0", () => {
    const { post_discounts: _dropped, ...withoutDiscounts } = good;
    assert.deepEqual(checkRules(completeRules, { ...withoutDiscounts, total_amount: 40500 }), []);
  });

  test("a total below 0 breaks it even when the arithmetic matches", () => {
    const body = { ...good, post_discounts: [{ name: "d", description: "x", amount: 50000 }], total_amount: -9500 };
    assert.equal(checkRules(completeRules, body)[0]?.rule, "sum");
  });

  test("sums stay exact beyond 2^53", () => {
    const max = Number.MAX_SAFE_INTEGER;
    const body = {
      ...good,
      post_payments: [
        { name: "a", amount: max },
        { name: "b", amount: max },
      ],
      post_discounts: [{ name: "d", description: "x", amount: max }],
    };
    assert.deepEqual(checkRules(completeRules, { ...body, total_amount: max }), []);
    assert.equal(checkRules(completeRules, { ...body, total_amount: max - 1 }).length, 1);
  });

  test("a non-integer amount is a violation, not a NaN sum", () => {
    const body = { ...good, post_payments: [{ name: "a", amount: "40000" }] };
    assert.equal(checkRules(completeRules, body)[0]?.field, "/post_payments/*/amount");
  });

  test("two discounts with one name break the unique rule", () => {
    const discount = { name: "d", description: "x", amount: 50 };
    const violations = checkRules(completeRules, { ...good, post_discounts: [discount, discount] });
    assert.deepEqual(violations.map((violation) => violation.rule), ["unique"]);
  });

  test("the rules only WeChat Pay can check are accepted without looking", () => {
    assert.deepEqual(checkRules([{ rule: "lower-only", field: "/total_amount", "order-field": "/total_amount" }], {}), []);
  });

  test("x-exactly-one-of counts the names present", () => {
    const names = operationFacts.queryServiceOrder.exactlyOneOf;
    assert.deepEqual(checkExactlyOneOf(names, { out_order_no: "A" }), []);
    assert.deepEqual(checkExactlyOneOf(names, { query_id: "Q" }), []);
    assert.equal(checkExactlyOneOf(names, {}).length, 1);
    assert.equal(checkExactlyOneOf(names, { out_order_no: "A", query_id: "Q" }).length, 1);
  });

  test("the declared order replaces the caller's, and an undeclared parameter is refused", () => {
    const declared = operationFacts.queryDeductInfo.query;
    assert.deepEqual(Object.keys(inDeclaredOrder(declared, { out_order_no: "A", appid: "B", service_id: "C" })), [
      "service_id",
      "appid",
      "out_order_no",
    ]);
    assert.throws(() => inDeclaredOrder(declared, { service_id: "C", mchid: "X" }), TypeError);
  });
});

describe("the typed functions read only what the contract declares", () => {
  const NOW = 1_700_000_000;

  function signedAnswer(status: number, body: string): Response {
    const nonce = "FAKEWECHATPAYNONCE00000000000000";
    const signature = sign("sha256", buildResponseMessage(String(NOW), nonce, Buffer.from(body)), testOnlyPlatformPrivateKey);
    return new Response(status === 204 ? null : body, {
      status,
      headers: {
        "Content-Type": "application/json",
        "Request-ID": "FAKE-REQUEST-ID",
        "Wechatpay-Timestamp": String(NOW),
        "Wechatpay-Nonce": nonce,
        "Wechatpay-Signature": signature.toString("base64"),
        "Wechatpay-Serial": ids.platform_public_key_id,
        "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
      },
    });
  }

  function fakeClient(answer: () => Response, sent: Request[] = []) {
    return createPayScoreClient({
      baseUrl: "https://api.mch.weixin.qq.com",
      merchant: { mchid: ids.mchid, serialNo: ids.merchant_serial_no, privateKey: testOnlyMerchantPrivateKey },
      verifier: { keys: new Map([[ids.platform_public_key_id, testOnlyPlatformPublicKey]]), nowSeconds: () => NOW },
      nowSeconds: () => NOW,
      fetch: async (request) => {
        sent.push(request);
        return answer();
      },
    });
  }

  const complete: components["schemas"]["CompleteServiceOrderRequest"] = {
    ...IDS,
    post_payments: [{ name: "a", amount: 100 }],
    total_amount: 100,
  };

  test("complete answered a signed 204 is accepted with no data", async () => {
    const answer = await completeServiceOrder(fakeClient(() => signedAnswer(204, "")), "A", complete);
    assert.deepEqual([answer.ok, answer.status, answer.ok && answer.data], [true, 204, undefined]);
    assert.equal(answer.requestId, "FAKE-REQUEST-ID");
  });

  test("complete answered a signed 200 is an unexpected answer, not a success", async () => {
    const order = JSON.stringify({ out_order_no: "A", state: "DOING" });
    await assert.rejects(
      completeServiceOrder(fakeClient(() => signedAnswer(200, order)), "A", complete),
      (error: unknown) =>
        error instanceof UnexpectedAnswerError && error.status === 200 && error.requestId === "FAKE-REQUEST-ID",
    );
  });

  test("create answered a signed 204 (no order) is an unexpected answer", async () => {
    const body = {
      ...IDS,
      appid: "wx1",
      out_order_no: "A",
      service_introduction: "s",
      risk_fund: { name: "DEPOSIT", amount: 1 },
      time_range: { start_time: "OnAccept" },
      notify_url: "https://example.com",
    };
    await assert.rejects(createServiceOrder(fakeClient(() => signedAnswer(204, "")), body), UnexpectedAnswerError);
  });

  test("a signed error without WeChat Pay's error body is an unexpected answer", async () => {
    await assert.rejects(
      completeServiceOrder(fakeClient(() => signedAnswer(502, "<html>bad gateway</html>")), "A", complete),
      UnexpectedAnswerError,
    );
  });

  test("a broken rule sends nothing at all", async () => {
    const sent: Request[] = [];
    await assert.rejects(
      completeServiceOrder(fakeClient(() => signedAnswer(204, ""), sent), "A", { ...complete, total_amount: 99 }),
      ContractRuleError,
    );
    assert.equal(sent.length, 0);
  });

  test("queryDeductInfo sends the declared order with the contract's encoding", async () => {
    const sent: Request[] = [];
    const deduction = JSON.stringify({ description: "d", out_trade_no: "T" });
    const answer = await queryDeductInfo(fakeClient(() => signedAnswer(200, deduction), sent), {
      out_order_no: "A|B*C",
      sub_appid: "wx sub",
      channel_id: IDS.channel_id,
      sub_mchid: IDS.sub_mchid,
      appid: "wx1",
      service_id: IDS.service_id,
    });
    assert.ok(answer.ok);
    assert.equal(answer.data.out_trade_no, "T");
    assert.equal(
      new URL(sent[0]?.url ?? "").search,
      `?service_id=${IDS.service_id}&appid=wx1&sub_mchid=${IDS.sub_mchid}&sub_appid=wx+sub&channel_id=${IDS.channel_id}` +
        "&out_order_no=A%7CB%2AC",
    );
  });
});
