// Reads the local emulator's merchant and WeChat Pay keys from its GET /_emulator/config, so the example and the
// end-to-end tests hold no key material of their own. The config endpoint is an emulator convenience, not part of
// the contract: against the real WeChat Pay these come from the merchant platform.
import { X509Certificate, createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { PayScoreClientOptions } from "./client.js";

export interface EmulatorConfig {
  readonly mchid: string;
  readonly merchant_serial_no: string;
  readonly wechatpay_public_key_id: string;
  readonly wechatpay_public_key_pem: string;
  readonly platform_serial: string;
  readonly platform_certificate_pem: string;
  readonly demo_merchant_private_key_path: string;
}

const FIELDS = [
  "mchid",
  "merchant_serial_no",
  "wechatpay_public_key_id",
  "wechatpay_public_key_pem",
  "platform_serial",
  "platform_certificate_pem",
  "demo_merchant_private_key_path",
] as const;

export async function fetchEmulatorConfig(baseUrl: string): Promise<EmulatorConfig> {
  const response = await fetch(new URL("/_emulator/config", baseUrl), { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`GET /_emulator/config answered ${response.status}`);
  const json: unknown = await response.json();
  if (typeof json !== "object" || json === null) throw new Error("/_emulator/config is not a JSON object");
  const record = json as Record<string, unknown>;
  const bad = FIELDS.filter((field) => typeof record[field] !== "string");
  if (bad.length > 0) throw new Error(`/_emulator/config lacks string fields: ${bad.join(", ")}`);
  return record as unknown as EmulatorConfig;
}

/** Both kinds of WeChat Pay key the emulator may sign with, by the serial it puts in Wechatpay-Serial. */
export function wechatpayKeys(config: EmulatorConfig): Map<string, KeyObject> {
  return new Map([
    [config.wechatpay_public_key_id, createPublicKey(config.wechatpay_public_key_pem)],
    [config.platform_serial, new X509Certificate(config.platform_certificate_pem).publicKey],
  ]);
}

export async function clientOptionsForEmulator(baseUrl: string, config: EmulatorConfig): Promise<PayScoreClientOptions> {
  const privateKeyPem = await readFile(config.demo_merchant_private_key_path, "utf8");
  return {
    baseUrl,
    merchant: {
      mchid: config.mchid,
      serialNo: config.merchant_serial_no,
      privateKey: createPrivateKey(privateKeyPem),
    },
    verifier: { keys: wechatpayKeys(config) },
    wechatpayPublicKeyId: config.wechatpay_public_key_id,
  };
}
