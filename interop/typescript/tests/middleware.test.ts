// The signer and verifier as openapi-fetch middleware, with the network replaced by a fake WeChat Pay that signs
// with the TEST-ONLY platform key: what is signed is what is sent, and nothing unverified reaches the caller.
import assert from "node:assert/strict";
import { sign, verify } from "node:crypto";
import { test } from "node:test";
import { createPayScoreClient } from "../src/client.js";
import { DotSegmentParameterError, InvalidSignatureError, SignatureProbeError } from "../src/errors.js";
import type { components } from "../src/generated/schema.js";
import { buildRequestMessage } from "../src/signer.js";
import { buildResponseMessage } from "../src/verifier.js";
import {
  ids,
  testOnlyMerchantPrivateKey,
  testOnlyMerchantPublicKey,
  testOnlyPlatformPrivateKey,
  testOnlyPlatformPublicKey,
} from "./vectors.js";

const NOW = 1_700_000_000;
const PATH = "/v3/payscore/acquiringbank/serviceorder/{out_order_no}/sync";
const BODY: components["schemas"]["SyncServiceOrderRequest"] = {
  service_id: "2002000000000558128851361561536",
  sub_mchid: "1900000109",
  type: "Order_Paid",
  detail: { paid_time: "20091225091210" },
};

interface Captured {
  readonly request: Request;
  readonly body: Buffer;
}

function signedAnswer(status: number, body: string, overrides: Record<string, string> = {}): Response {
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
      ...overrides,
    },
  });
}

function fakeClient(answer: () => Response, captured: Captured[] = [], timeoutMs?: number) {
  return createPayScoreClient({
    baseUrl: "https://api.mch.weixin.qq.com",
    merchant: { mchid: ids.mchid, serialNo: ids.merchant_serial_no, privateKey: testOnlyMerchantPrivateKey },
    verifier: { keys: new Map([[ids.platform_public_key_id, testOnlyPlatformPublicKey]]), nowSeconds: () => NOW },
    wechatpayPublicKeyId: ids.platform_public_key_id,
    nowSeconds: () => NOW,
    nonce: () => "FIXEDNONCE0000000000000000000000",
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    fetch: async (request) => {
      captured.push({ request, body: Buffer.from(await request.arrayBuffer()) });
      return answer();
    },
  });
}

function authorizationFields(header: string): Map<string, string> {
  assert.ok(header.startsWith("WECHATPAY2-SHA256-RSA2048 "), header);
  return new Map(
    [...header.slice("WECHATPAY2-SHA256-RSA2048 ".length).matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1] ?? "", m[2] ?? ""]),
  );
}

test("signs the percent-encoded path and the exact body bytes that are sent", async () => {
  const captured: Captured[] = [];
  const { response } = await fakeClient(() => signedAnswer(204, ""), captured).POST(PATH, {
    params: { path: { out_order_no: "A|B*-_1" } },
    body: BODY,
  });
  assert.equal(response.status, 204);
  const [sent] = captured;
  assert.ok(sent);
  const url = new URL(sent.request.url);
  assert.equal(url.pathname, "/v3/payscore/acquiringbank/serviceorder/A%7CB*-_1/sync");
  assert.equal(sent.body.toString("utf8"), JSON.stringify(BODY));

  const fields = authorizationFields(sent.request.headers.get("Authorization") ?? "");
  assert.equal(fields.get("mchid"), ids.mchid);
  assert.equal(fields.get("serial_no"), ids.merchant_serial_no);
  assert.equal(fields.get("timestamp"), String(NOW));
  assert.equal(fields.get("nonce_str"), "FIXEDNONCE0000000000000000000000");
  const message = buildRequestMessage({
    method: "POST",
    url: url.pathname,
    body: sent.body,
    timestamp: String(NOW),
    nonce: "FIXEDNONCE0000000000000000000000",
  });
  const signature = Buffer.from(fields.get("signature") ?? "", "base64");
  assert.ok(verify("sha256", message, testOnlyMerchantPublicKey, signature), "signature must cover path and body as sent");

  assert.equal(sent.request.headers.get("Accept"), "application/json");
  assert.equal(sent.request.headers.get("Content-Type"), "application/json");
  assert.match(sent.request.headers.get("User-Agent") ?? "", /^wechatpay-payscore-ts-interop\//);
  assert.equal(sent.request.headers.get("Wechatpay-Serial"), ids.platform_public_key_id);
});

test("a dot-segment order number is refused before anything is signed or sent", async () => {
  for (const value of [".", ".."]) {
    const captured: Captured[] = [];
    await assert.rejects(
      fakeClient(() => signedAnswer(204, ""), captured).POST(PATH, { params: { path: { out_order_no: value } }, body: BODY }),
      (error: unknown) => error instanceof DotSegmentParameterError && error.parameter === "out_order_no",
    );
    assert.equal(captured.length, 0);
  }
});

test("the query string is part of the signed message", async () => {
  const captured: Captured[] = [];
  const client = fakeClient(() => signedAnswer(204, ""), captured);
  // The contract declares no query parameter, so one is added the way a caller of a sibling endpoint would.
  await client.POST(PATH, {
    params: { path: { out_order_no: "Q1" } },
    body: BODY,
    querySerializer: () => "debug=1&x=%7C",
  });
  const [sent] = captured;
  assert.ok(sent);
  const url = new URL(sent.request.url);
  assert.equal(url.search, "?debug=1&x=%7C");
  const fields = authorizationFields(sent.request.headers.get("Authorization") ?? "");
  const message = buildRequestMessage({
    method: "POST",
    url: `${url.pathname}${url.search}`,
    body: sent.body,
    timestamp: String(NOW),
    nonce: "FIXEDNONCE0000000000000000000000",
  });
  const signature = Buffer.from(fields.get("signature") ?? "", "base64");
  assert.ok(verify("sha256", message, testOnlyMerchantPublicKey, signature), "signature must cover the query");
});

test("a verified 204 gives no data and no error", async () => {
  const result = await fakeClient(() => signedAnswer(204, "")).POST(PATH, {
    params: { path: { out_order_no: "1234323JKHDFE1243252" } },
    body: BODY,
  });
  assert.equal(result.response.status, 204);
  assert.equal(result.data, undefined);
  assert.equal(result.error, undefined);
});

test("a verified error answer is parsed into the typed ErrorResponse", async () => {
  const body = JSON.stringify({ code: "ORDER_DONE", message: "订单已完成" });
  const { error, response } = await fakeClient(() => signedAnswer(400, body)).POST(PATH, {
    params: { path: { out_order_no: "1234323JKHDFE1243252" } },
    body: BODY,
  });
  assert.equal(response.status, 400);
  assert.equal(error?.code, "ORDER_DONE");
  assert.equal(error?.message, "订单已完成");
});

test("an answer whose body was altered after signing is rejected before it is parsed", async () => {
  const forged = () => {
    const genuine = signedAnswer(400, JSON.stringify({ code: "ORDER_DONE", message: "x" }));
    return new Response(JSON.stringify({ code: "SYSTEM_ERROR", message: "x" }), {
      status: 400,
      headers: genuine.headers,
    });
  };
  await assert.rejects(
    fakeClient(forged).POST(PATH, { params: { path: { out_order_no: "1234323JKHDFE1243252" } }, body: BODY }),
    InvalidSignatureError,
  );
});

test("a 2xx carrying a WECHATPAY/SIGNTEST/ probe is rejected with the probe error", async () => {
  await assert.rejects(
    fakeClient(() => signedAnswer(204, "", { "Wechatpay-Signature": "WECHATPAY/SIGNTEST/abc" })).POST(PATH, {
      params: { path: { out_order_no: "1234323JKHDFE1243252" } },
      body: BODY,
    }),
    SignatureProbeError,
  );
});

test("a request that gets no answer is aborted by the client timeout", async () => {
  const client = createPayScoreClient({
    baseUrl: "https://api.mch.weixin.qq.com",
    merchant: { mchid: ids.mchid, serialNo: ids.merchant_serial_no, privateKey: testOnlyMerchantPrivateKey },
    verifier: { keys: new Map() },
    timeoutMs: 50,
    fetch: (request) =>
      new Promise<Response>((_resolve, reject) => {
        // Stands in for the open socket that keeps a real process alive (AbortSignal.timeout's timer does not).
        const socket = setTimeout(() => reject(new Error("the client timeout never fired")), 5_000);
        request.signal.addEventListener("abort", () => {
          clearTimeout(socket);
          reject(request.signal.reason);
        });
      }),
  });
  await assert.rejects(
    client.POST(PATH, { params: { path: { out_order_no: "1234323JKHDFE1243252" } }, body: BODY }),
    (error: unknown) => error instanceof DOMException && error.name === "TimeoutError",
  );
});
