// End to end against the Python emulator: the generated types, openapi-fetch and the hand-written signer must
// agree with a server that validates every request against the same contract. The tests run in order: the
// first sync completes the seed order, the later ones rely on it being DONE.
import assert from "node:assert/strict";
import { createPublicKey } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { createPayScoreClient, type PayScoreClient, type PayScoreClientOptions } from "../src/client.js";
import { clientOptionsForEmulator, fetchEmulatorConfig, type EmulatorConfig } from "../src/emulatorConfig.js";
import {
  InvalidSignatureError,
  MissingSignatureHeaderError,
  SignatureProbeError,
  StaleTimestampError,
  UnknownSerialError,
  type ResponseVerificationError,
} from "../src/errors.js";
import type { components } from "../src/generated/schema.js";
import { injectFault, loggedRequests, type SignatureFault } from "./emulatorControl.js";
import { startEmulator, type RunningEmulator } from "./emulatorProcess.js";
import { testOnlyMerchantPublicKey } from "./vectors.js";

type SyncRequest = components["schemas"]["SyncServiceOrderRequest"];

const PATH = "/v3/payscore/acquiringbank/serviceorder/{out_order_no}/sync";
const SEED_ORDER = "1234323JKHDFE1243252";
const SEED_BODY: SyncRequest = {
  service_id: "2002000000000558128851361561536",
  sub_mchid: "1900000109",
  channel_id: "1230000109",
  type: "Order_Paid",
  detail: { paid_time: "20091225091210" },
};

describe("against the emulator", () => {
  let emulator: RunningEmulator | undefined;
  let baseUrl: string;
  let config: EmulatorConfig;
  let options: PayScoreClientOptions;
  let client: PayScoreClient;

  const sync = (body: SyncRequest, outOrderNo = SEED_ORDER, via: PayScoreClient = client) =>
    via.POST(PATH, { params: { path: { out_order_no: outOrderNo } }, body });

  before(async () => {
    emulator = await startEmulator();
    baseUrl = emulator.baseUrl;
    config = await fetchEmulatorConfig(baseUrl);
    options = await clientOptionsForEmulator(baseUrl, config);
    client = createPayScoreClient(options);
  });

  after(async () => {
    await emulator?.stop();
  });

  test("syncs the seed order: a 204 whose signature verified", async () => {
    const { data, error, response } = await sync(SEED_BODY);
    assert.equal(response.status, 204, JSON.stringify(error));
    assert.equal(data, undefined);
    assert.equal(error, undefined);
    assert.equal(response.headers.get("Wechatpay-Serial"), config.wechatpay_public_key_id);
    const requestId = response.headers.get("Request-ID");
    const logged = (await loggedRequests(baseUrl)).find((entry) => entry.request_id === requestId);
    assert.ok(logged, `the emulator logged ${requestId}`);
    assert.equal(logged.signature_verified, true);
    assert.deepEqual(JSON.parse(logged.body ?? ""), SEED_BODY);
  });

  test("a second sync of the same order gets the typed ORDER_DONE error", async () => {
    const { error, response } = await sync(SEED_BODY);
    assert.equal(response.status, 400);
    const code: string | undefined = error?.code;
    assert.equal(code, "ORDER_DONE");
  });

  const QUERY = "/v3/payscore/acquiringbank/serviceorder";
  const IDS = { service_id: SEED_BODY.service_id, sub_mchid: SEED_BODY.sub_mchid, channel_id: "1230000109" };

  test("queries the synced seed order: DONE, paid through the merchant's channel at the synced paid_time", async () => {
    const { data, error, response } = await client.GET(QUERY, {
      params: { query: { ...IDS, out_order_no: SEED_ORDER } },
    });
    assert.equal(response.status, 200, JSON.stringify(error));
    assert.ok(data, "a verified, parsed order");
    assert.equal(data.out_order_no, SEED_ORDER);
    assert.equal(data.state, "DONE");
    assert.equal(data.collection?.state, "USER_PAID");
    const synced = data.collection?.details?.find((detail) => detail.paid_type === "MCH");
    assert.equal(synced?.paid_time, SEED_BODY.detail.paid_time);
    const requestId = response.headers.get("Request-ID");
    const logged = (await loggedRequests(baseUrl)).find((entry) => entry.request_id === requestId);
    assert.ok(logged, `the emulator logged ${requestId}`);
    assert.equal(logged.signature_verified, true);
  });

  test("a query for an order that does not exist gets the typed ORDER_NOT_EXIST", async () => {
    const { error, response } = await client.GET(QUERY, {
      params: { query: { ...IDS, out_order_no: "NO|SUCH*ORDER" } },
    });
    assert.equal(response.status, 404);
    assert.equal(error?.code, "ORDER_NOT_EXIST");
  });

  test("a query naming both out_order_no and query_id gets PARAM_ERROR (x-exactly-one-of)", async () => {
    const { error, response } = await client.GET(QUERY, {
      params: { query: { ...IDS, out_order_no: SEED_ORDER, query_id: "15646546545165651651" } },
    });
    assert.equal(response.status, 400);
    assert.equal(error?.code, "PARAM_ERROR");
  });

  test("an impossible paid_time gets PARAM_ERROR naming the field", async () => {
    const { error, response } = await sync({ ...SEED_BODY, detail: { paid_time: "20091325091210" } });
    assert.equal(response.status, 400);
    assert.equal(error?.code, "PARAM_ERROR");
    assert.equal(error?.detail?.field, "/detail/paid_time");
  });

  test("a body the generated types forbid still reaches the server, and gets PARAM_ERROR", async () => {
    // The cast is the point: the types stop this at compile time, the contract stops it at the server.
    const untyped = { ...SEED_BODY, type: "Order_Refunded" } as unknown as SyncRequest;
    const { error, response } = await sync(untyped);
    assert.equal(response.status, 400);
    assert.equal(error?.code, "PARAM_ERROR");
  });

  test("an order number with '|' is signed as sent (%7C): the server finds no order, not a bad signature", async () => {
    const { error, response } = await sync(SEED_BODY, "NO|SUCH*ORDER");
    assert.equal(response.status, 404, JSON.stringify(error));
    assert.equal(error?.code, "ORDER_NOT_EXIST");
    const logged = (await loggedRequests(baseUrl)).at(-1);
    assert.equal(logged?.target, "/v3/payscore/acquiringbank/serviceorder/NO%7CSUCH*ORDER/sync");
    assert.equal(logged?.signature_verified, true);
  });

  test("an answer checked against the wrong public key is rejected as forged", async () => {
    const fooled = createPayScoreClient({
      ...options,
      // Any RSA key but WeChat Pay's: a forger would need WeChat Pay's private key to pass.
      verifier: { keys: new Map([[config.wechatpay_public_key_id, testOnlyMerchantPublicKey]]) },
    });
    await assert.rejects(sync(SEED_BODY, SEED_ORDER, fooled), InvalidSignatureError);
  });

  test("without the Wechatpay-Serial request header the answer is signed with the platform certificate", async () => {
    const { wechatpayPublicKeyId: _dropped, ...withoutPublicKeyMode } = options;
    const platformMode = createPayScoreClient(withoutPublicKeyMode);
    const { error, response } = await sync(SEED_BODY, SEED_ORDER, platformMode);
    assert.equal(error?.code, "ORDER_DONE");
    assert.equal(response.headers.get("Wechatpay-Serial"), config.platform_serial);

    const publicKeyOnly = createPayScoreClient({
      ...withoutPublicKeyMode,
      verifier: { keys: new Map([[config.wechatpay_public_key_id, createPublicKey(config.wechatpay_public_key_pem)]]) },
    });
    await assert.rejects(sync(SEED_BODY, SEED_ORDER, publicKeyOnly), UnknownSerialError);
  });

  const spoiled: readonly [SignatureFault, new (...args: never[]) => ResponseVerificationError][] = [
    ["bad_signature", InvalidSignatureError],
    ["missing_signature", MissingSignatureHeaderError],
    ["stale_signature", StaleTimestampError],
    ["probe_signature", SignatureProbeError],
    // A gateway's unsigned HTML page: refused before anything tries to parse it as JSON.
    ["html_502", MissingSignatureHeaderError],
  ];
  for (const [fault, expected] of spoiled) {
    test(`the emulator's ${fault} fault is rejected with ${expected.name}`, async () => {
      await injectFault(baseUrl, fault);
      await assert.rejects(sync(SEED_BODY), expected);
      // The fault was used up: the same call now verifies again.
      assert.equal((await sync(SEED_BODY)).error?.code, "ORDER_DONE");
    });
  }
});
