// A second, independent Node SDK against the same emulator: wechatpay-axios-plugin (pinned in package.json) in
// WeChat Pay public-key mode — its `certs` hold only the public key, under its PUB_KEY_ID, and every request names
// that id in `Wechatpay-Serial`. It signs with its own signer and checks each 2xx answer with its own verifier
// (a transformResponse that fails the call on any mismatch); none of this package's code is involved.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, describe, test } from "node:test";
import { Wechatpay } from "wechatpay-axios-plugin";
import { fetchEmulatorConfig, type EmulatorConfig } from "../src/emulatorConfig.js";
import type { components } from "../src/generated/schema.js";
import { confirmOrder, injectFault, loggedRequests } from "./emulatorControl.js";
import { startEmulator, type RunningEmulator } from "./emulatorProcess.js";
import { testOnlyMerchantPublicKey } from "./vectors.js";

const IDS = { service_id: "2002000000000558128851361561536", sub_mchid: "1900000109", channel_id: "1230000109" };
// Plain characters: the SDK puts a path parameter into the URL as it is, without percent-encoding it.
const ORDER = "TSAXIOS20301225001";
const CREATE = {
  ...IDS,
  appid: "wxd678efh567hg6787",
  out_order_no: ORDER,
  service_introduction: "某某酒店",
  post_payments: [{ name: "就餐费用", description: "就餐人均100元", amount: 40000, count: 4 }],
  risk_fund: { name: "DEPOSIT", amount: 80000 },
  time_range: { start_time: "20301225091010", end_time: "20301225121010" },
  need_user_confirm: true,
  notify_url: "https://api.test.com",
};
const COMPLETE = { ...IDS, post_payments: [{ name: "就餐费用", amount: 38000 }], total_amount: 38000 };

/** What the SDK resolves with (an axios response), typed with the contract's schemas. */
interface Reply<T> {
  readonly status: number;
  readonly data: T;
  readonly headers: Record<string, unknown>;
}
type Schemas = components["schemas"];

const SERVICE_ORDER = "v3/payscore/acquiringbank/serviceorder";
const COMPLETE_PATH = `${SERVICE_ORDER}/{out_order_no}/complete`;

describe("wechatpay-axios-plugin against the emulator, in public-key mode", () => {
  let emulator: RunningEmulator | undefined;
  let baseUrl: string;
  let config: EmulatorConfig;
  let wxpay: Wechatpay;
  let privateKeyPem: string;

  function sdk(publicKeyPem: string): Wechatpay {
    return new Wechatpay({
      mchid: config.mchid,
      serial: config.merchant_serial_no,
      privateKey: privateKeyPem,
      certs: { [config.wechatpay_public_key_id]: publicKeyPem },
      baseURL: `${baseUrl}/`,
      headers: { "Wechatpay-Serial": config.wechatpay_public_key_id },
      // Straight to the loopback emulator whatever proxy the environment names.
      proxy: false,
      timeout: 10_000,
    });
  }

  /** The emulator verified the SDK's request signature, and answered with the public key the SDK named. */
  async function assertSignedBothWays(headers: Record<string, unknown>): Promise<void> {
    assert.equal(headers["wechatpay-serial"], config.wechatpay_public_key_id);
    const requestId = headers["request-id"];
    const logged = (await loggedRequests(baseUrl)).find((entry) => entry.request_id === requestId);
    assert.ok(logged, `the emulator logged ${String(requestId)}`);
    assert.equal(logged.signature_verified, true);
  }

  before(async () => {
    emulator = await startEmulator();
    baseUrl = emulator.baseUrl;
    config = await fetchEmulatorConfig(baseUrl);
    privateKeyPem = await readFile(config.demo_merchant_private_key_path, "utf8");
    wxpay = sdk(config.wechatpay_public_key_pem);
  });

  after(async () => {
    await emulator?.stop();
  });

  test("create: 200, CREATED, accepted by the SDK's verifier", async () => {
    const { status, data, headers } = await wxpay
      .chain(SERVICE_ORDER)
      .post<typeof CREATE, Reply<Schemas["CreatedServiceOrder"]>>(CREATE);
    assert.equal(status, 200);
    assert.equal(data.out_order_no, ORDER);
    assert.equal(data.state, "CREATED");
    assert.equal(typeof data.package, "string");
    await assertSignedBothWays(headers);
  });

  test("the user confirms (control surface), then complete: a 204 the SDK verified over an empty body", async () => {
    await confirmOrder(baseUrl, ORDER);
    const { status, data, headers } = await wxpay
      .chain(COMPLETE_PATH)
      .post<typeof COMPLETE, Reply<unknown>>(COMPLETE, { out_order_no: ORDER });
    assert.equal(data, "");
    assert.equal(status, 204);
    await assertSignedBothWays(headers);
  });

  test("query: DOING / MCH_COMPLETE, USER_PAYING, the completed total", async () => {
    const { status, data, headers } = await wxpay
      .chain(SERVICE_ORDER)
      .get<unknown, Reply<Schemas["ServiceOrder"]>>({ params: { ...IDS, out_order_no: ORDER } });
    assert.equal(status, 200);
    assert.equal(data.state, "DOING");
    assert.equal(data.state_description, "MCH_COMPLETE");
    assert.equal(data.total_amount, COMPLETE.total_amount);
    assert.equal(data.collection?.state, "USER_PAYING");
    await assertSignedBothWays(headers);
  });

  test("its verifier is really on: a spoiled signature fails the call", async () => {
    await injectFault(baseUrl, "bad_signature", ORDER);
    await assert.rejects(
      wxpay.chain(SERVICE_ORDER).get({ params: { ...IDS, out_order_no: ORDER } }),
      (error: unknown) => (error as { code?: unknown }).code === "EV3_RES_HEADER_SIGNATURE_DIGEST",
    );
  });

  test("and so is the key check: an SDK holding another public key under the same id refuses the answer", async () => {
    // Any RSA key but WeChat Pay's: a forger would need WeChat Pay's private key to pass.
    const otherKey = testOnlyMerchantPublicKey.export({ type: "spki", format: "pem" }).toString();
    await assert.rejects(
      sdk(otherKey).chain(SERVICE_ORDER).get({ params: { ...IDS, out_order_no: ORDER } }),
      (error: unknown) => (error as { code?: unknown }).code === "EV3_RES_HEADER_SIGNATURE_DIGEST",
    );
  });
});
