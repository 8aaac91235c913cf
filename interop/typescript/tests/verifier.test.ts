import assert from "node:assert/strict";
import { sign } from "node:crypto";
import { describe, test } from "node:test";
import {
  InvalidSignatureError,
  MissingSignatureHeaderError,
  ResponseVerificationError,
  SignatureProbeError,
  StaleTimestampError,
  UnknownSerialError,
  UnsupportedSignatureTypeError,
} from "../src/errors.js";
import { buildResponseMessage, verifyResponse, type VerifierOptions } from "../src/verifier.js";
import { ids, testOnlyPlatformPrivateKey, testOnlyPlatformPublicKey, verifyCases } from "./vectors.js";

const NOW = 1_700_000_000;
const options: VerifierOptions = {
  keys: new Map([[ids.platform_public_key_id, testOnlyPlatformPublicKey]]),
  nowSeconds: () => NOW,
};

function signedHeaders(timestamp: string, body: string, extra: Record<string, string> = {}): Headers {
  const nonce = "593BEC0C930BF1AFEB40B4A08C8FB242";
  const signature = sign("sha256", buildResponseMessage(timestamp, nonce, Buffer.from(body)), testOnlyPlatformPrivateKey);
  return new Headers({
    "Request-ID": "TEST-REQUEST-ID",
    "Wechatpay-Timestamp": timestamp,
    "Wechatpay-Nonce": nonce,
    "Wechatpay-Signature": signature.toString("base64"),
    "Wechatpay-Serial": ids.platform_public_key_id,
    "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
    ...extra,
  });
}

describe("peer vectors V01..V06", () => {
  test("are all present", () => {
    assert.deepEqual(
      verifyCases.map((c) => c.id.slice(0, 3)),
      ["V01", "V02", "V03", "V04", "V05", "V06"],
    );
  });
  for (const vector of verifyCases) {
    test(`${vector.id}: ${vector.reference.accepted ? "accepted" : "rejected as an invalid signature"}`, () => {
      const { input } = vector;
      const body = Buffer.from(input.body, "utf8");
      assert.equal(buildResponseMessage(input.timestamp, input.nonce, body).toString("utf8"), vector.reference.message);
      const headers = new Headers({
        "Wechatpay-Timestamp": input.timestamp,
        "Wechatpay-Nonce": input.nonce,
        "Wechatpay-Signature": input.signature,
        "Wechatpay-Serial": input.serial,
      });
      if (vector.reference.accepted) {
        assert.doesNotThrow(() => verifyResponse(headers, body, options));
      } else {
        assert.throws(() => verifyResponse(headers, body, options), InvalidSignatureError);
      }
    });
  }
});

describe("each failed step has its own error", () => {
  test("a correctly signed answer passes", () => {
    assert.doesNotThrow(() => verifyResponse(signedHeaders(String(NOW), "{}"), Buffer.from("{}"), options));
  });

  for (const name of ["Wechatpay-Timestamp", "Wechatpay-Nonce", "Wechatpay-Signature", "Wechatpay-Serial"]) {
    test(`missing ${name}`, () => {
      const headers = signedHeaders(String(NOW), "");
      headers.delete(name);
      assert.throws(
        () => verifyResponse(headers, new Uint8Array(), options),
        (error: unknown) =>
          error instanceof MissingSignatureHeaderError &&
          error.missing.length === 1 &&
          error.missing[0] === name &&
          error.requestId === "TEST-REQUEST-ID",
      );
    });
  }

  test("another signature type", () => {
    const headers = signedHeaders(String(NOW), "", { "Wechatpay-Signature-Type": "WECHATPAY2-SM2-WITH-SM3" });
    assert.throws(() => verifyResponse(headers, new Uint8Array(), options), UnsupportedSignatureTypeError);
  });

  test("a timestamp exactly 300 s away is still accepted, both ways", () => {
    for (const ts of [NOW - 300, NOW + 300]) {
      assert.doesNotThrow(() => verifyResponse(signedHeaders(String(ts), ""), new Uint8Array(), options));
    }
  });

  test("a validly signed timestamp 301 s away is refused, both ways", () => {
    for (const ts of [NOW - 301, NOW + 301]) {
      assert.throws(() => verifyResponse(signedHeaders(String(ts), ""), new Uint8Array(), options), StaleTimestampError);
    }
  });

  test("a non-numeric timestamp is refused as stale", () => {
    assert.throws(
      () => verifyResponse(signedHeaders("17e8", ""), new Uint8Array(), options),
      StaleTimestampError,
    );
  });

  test("the freshness check runs before the key lookup", () => {
    const headers = signedHeaders(String(NOW - 1000), "", { "Wechatpay-Serial": "PUB_KEY_ID_0000" });
    assert.throws(() => verifyResponse(headers, new Uint8Array(), options), StaleTimestampError);
  });

  test("an unknown serial", () => {
    const headers = signedHeaders(String(NOW), "", { "Wechatpay-Serial": "PUB_KEY_ID_0119000001002099999999999999" });
    assert.throws(
      () => verifyResponse(headers, new Uint8Array(), options),
      (error: unknown) => error instanceof UnknownSerialError && error.serial === "PUB_KEY_ID_0119000001002099999999999999",
    );
  });

  test("a WECHATPAY/SIGNTEST/ probe fails with its own error, not a Base64 crash", () => {
    const headers = signedHeaders(String(NOW), "", { "Wechatpay-Signature": "WECHATPAY/SIGNTEST/Zm9vYmFy!!" });
    assert.throws(
      () => verifyResponse(headers, new Uint8Array(), options),
      (error: unknown) => error instanceof SignatureProbeError && !(error instanceof InvalidSignatureError),
    );
  });

  test("a signature that is not standard Base64 is invalid even if Node could decode it", () => {
    const good = signedHeaders(String(NOW), "");
    const signature = good.get("Wechatpay-Signature") ?? "";
    const tampered = `${signature.slice(0, 10)}*${signature.slice(10)}`;
    // Node's lenient decoder skips the '*': without the strict check this would verify.
    assert.ok(Buffer.from(tampered, "base64").equals(Buffer.from(signature, "base64")));
    good.set("Wechatpay-Signature", tampered);
    assert.throws(() => verifyResponse(good, new Uint8Array(), options), InvalidSignatureError);
  });

  test("a body changed after signing", () => {
    assert.throws(
      () => verifyResponse(signedHeaders(String(NOW), '{"code":"A"}'), Buffer.from('{"code":"B"}'), options),
      InvalidSignatureError,
    );
  });

  test("every error is a ResponseVerificationError", () => {
    const headers = signedHeaders(String(NOW), "");
    headers.delete("Wechatpay-Nonce");
    assert.throws(() => verifyResponse(headers, new Uint8Array(), options), ResponseVerificationError);
  });
});
