// WECHATPAY2-SHA256-RSA2048 request signing, as specified in the `WechatPay2` security scheme of
// openapi/payscore-acquiringbank.yaml. Works on bytes, never on re-serialised objects: the signature must cover
// exactly what goes on the wire.
import { randomInt, sign, type KeyObject } from "node:crypto";

export const SCHEME = "WECHATPAY2-SHA256-RSA2048";

export interface MerchantCredentials {
  /** The acquiring institution's merchant id. */
  readonly mchid: string;
  /** Serial of the merchant API certificate, upper-case hex. */
  readonly serialNo: string;
  readonly privateKey: KeyObject;
}

export interface RequestToSign {
  readonly method: string;
  /** Path plus `?query`, exactly as sent (percent-encoding included), no scheme or host. */
  readonly url: string;
  readonly body: Uint8Array;
  readonly timestamp: string;
  readonly nonce: string;
}

const LF = Buffer.from("\n");

/** `METHOD\nURL\nTIMESTAMP\nNONCE\nBODY\n`, every line ending in LF, the body line too (empty when no body). */
export function buildRequestMessage(request: RequestToSign): Buffer {
  const head = Buffer.from(`${request.method.toUpperCase()}\n${request.url}\n${request.timestamp}\n${request.nonce}\n`);
  return Buffer.concat([head, request.body, LF]);
}

/** SHA256withRSA, PKCS#1 v1.5 (Node's default padding for RSA keys), standard Base64. */
export function signMessage(message: Uint8Array, privateKey: KeyObject): string {
  return sign("sha256", message, privateKey).toString("base64");
}

/** The Authorization header value; field order follows the peer SDKs, though WeChat Pay accepts any order. */
export function authorizationHeader(merchant: MerchantCredentials, request: RequestToSign): string {
  const signature = signMessage(buildRequestMessage(request), merchant.privateKey);
  return (
    `${SCHEME} mchid="${merchant.mchid}",nonce_str="${request.nonce}",signature="${signature}",` +
    `timestamp="${request.timestamp}",serial_no="${merchant.serialNo}"`
  );
}

const NONCE_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** 32 characters of [0-9A-Za-z] from the CSPRNG, like the peer SDKs. */
export function randomNonce(): string {
  let nonce = "";
  for (let i = 0; i < 32; i += 1) nonce += NONCE_ALPHABET[randomInt(NONCE_ALPHABET.length)];
  return nonce;
}
