// Verification of WeChat Pay's answer signature, in the order the contract's `WechatPay2` scheme lists the steps.
// Each failed step throws its own error class (see errors.ts).
import { verify, type KeyObject } from "node:crypto";
import {
  InvalidSignatureError,
  MissingSignatureHeaderError,
  SignatureProbeError,
  StaleTimestampError,
  UnknownSerialError,
  UnsupportedSignatureTypeError,
} from "./errors.js";
import { SCHEME } from "./signer.js";

export interface VerifierOptions {
  /** Wechatpay-Serial → key: public key ids (PUB_KEY_ID_…) and/or platform certificate serials. */
  readonly keys: ReadonlyMap<string, KeyObject>;
  /** Injectable so tests can pin time; defaults to the system clock. */
  readonly nowSeconds?: () => number;
  /** Replay window; 300 s in every peer SDK. */
  readonly maxSkewSeconds?: number;
}

const REQUIRED_HEADERS = ["Wechatpay-Timestamp", "Wechatpay-Nonce", "Wechatpay-Signature", "Wechatpay-Serial"] as const;
const PROBE_PREFIX = "WECHATPAY/SIGNTEST/";
// Node's Base64 decoder silently skips junk; a strict shape check keeps "garbage that decodes to something"
// from reaching the RSA step with an unrelated error.
const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export const systemNowSeconds = (): number => Math.floor(Date.now() / 1000);

/** `TIMESTAMP\nNONCE\nBODY\n` over the raw body bytes; a 204 gives `TIMESTAMP\nNONCE\n\n`. */
export function buildResponseMessage(timestamp: string, nonce: string, body: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(`${timestamp}\n${nonce}\n`), body, Buffer.from("\n")]);
}

/** Throws a ResponseVerificationError subclass unless the answer is provably WeChat Pay's; returns nothing. */
export function verifyResponse(headers: Headers, body: Uint8Array, options: VerifierOptions): void {
  const requestId = headers.get("Request-ID");

  const missing = REQUIRED_HEADERS.filter((name) => !headers.get(name));
  if (missing.length > 0) throw new MissingSignatureHeaderError(missing, requestId);
  // The presence check above makes these non-null; `?? ""` only satisfies the type checker.
  const timestamp = headers.get("Wechatpay-Timestamp") ?? "";
  const nonce = headers.get("Wechatpay-Nonce") ?? "";
  const signature = headers.get("Wechatpay-Signature") ?? "";
  const serial = headers.get("Wechatpay-Serial") ?? "";
  const signatureType = headers.get("Wechatpay-Signature-Type");
  if (signatureType !== null && signatureType !== SCHEME) {
    throw new UnsupportedSignatureTypeError(signatureType, requestId);
  }

  const now = (options.nowSeconds ?? systemNowSeconds)();
  const maxSkew = options.maxSkewSeconds ?? 300;
  if (!/^[0-9]{1,12}$/.test(timestamp) || Math.abs(now - Number(timestamp)) > maxSkew) {
    throw new StaleTimestampError(timestamp, now, requestId);
  }

  const key = options.keys.get(serial);
  if (key === undefined) throw new UnknownSerialError(serial, requestId);

  if (signature.startsWith(PROBE_PREFIX)) throw new SignatureProbeError(requestId);
  if (!STRICT_BASE64.test(signature)) throw new InvalidSignatureError("is not standard Base64", requestId);
  const valid = verify(
    "sha256",
    buildResponseMessage(timestamp, nonce, body),
    key,
    Buffer.from(signature, "base64"),
  );
  if (!valid) throw new InvalidSignatureError(`does not verify with the key of ${serial}`, requestId);
}
