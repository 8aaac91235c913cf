import assert from "node:assert/strict";
import { test } from "node:test";
import { authorizationHeader, buildRequestMessage, randomNonce, signMessage } from "../src/signer.js";
import { signCases, testOnlyMerchantPrivateKey } from "./vectors.js";

test("the peer vectors include S01..S06", () => {
  assert.deepEqual(
    signCases.map((c) => c.id.slice(0, 3)),
    ["S01", "S02", "S03", "S04", "S05", "S06"],
  );
});

for (const vector of signCases) {
  test(`${vector.id}: message, signature and Authorization match the peer SDKs`, () => {
    const { input, reference } = vector;
    const request = {
      method: input.method,
      url: input.url,
      body: Buffer.from(input.body, "utf8"),
      timestamp: input.timestamp,
      nonce: input.nonce,
    };
    const message = buildRequestMessage(request);
    assert.equal(message.toString("utf8"), reference.message);
    assert.equal(signMessage(message, testOnlyMerchantPrivateKey), reference.signature);
    const merchant = { mchid: input.mchid, serialNo: input.serial_no, privateKey: testOnlyMerchantPrivateKey };
    assert.equal(authorizationHeader(merchant, request), reference.authorization);
  });
}

test("the method is upper-cased in the message", () => {
  const message = buildRequestMessage({ method: "post", url: "/x", body: new Uint8Array(), timestamp: "1", nonce: "n" });
  assert.equal(message.toString(), "POST\n/x\n1\nn\n\n");
});

test("nonces are 32 characters of [0-9A-Za-z] and differ between calls", () => {
  const first = randomNonce();
  assert.match(first, /^[0-9A-Za-z]{32}$/);
  assert.notEqual(first, randomNonce());
});
