// The signed GET with a query string (test-only-query-vectors.json, copied from tests/auth_plugin/vectors/): the
// signer gives the same message, signature and Authorization as the Python plugin, and the client puts exactly the
// vector's path and query on the request it signs.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { createPayScoreClient } from "../src/client.js";
import { authorizationHeader, buildRequestMessage, signMessage } from "../src/signer.js";
import { formEncode, serializeQuery } from "../src/query.js";
import { ids, testOnlyMerchantPrivateKey, testOnlyPlatformPublicKey } from "./vectors.js";

interface QueryCase {
  readonly id: string;
  readonly input: {
    readonly mchid: string;
    readonly serial_no: string;
    readonly nonce: string;
    readonly timestamp: string;
    readonly method: string;
    readonly path: string;
    readonly params: readonly (readonly [string, string])[];
    readonly url: string;
    readonly body: string;
  };
  readonly reference: { readonly message: string; readonly signature: string; readonly authorization: string };
}

const cases = (
  JSON.parse(
    readFileSync(new URL("../../tests/fixtures/test-only-query-vectors.json", import.meta.url), "utf8"),
  ) as { cases: QueryCase[] }
).cases;

test("the query vectors include Q01..Q04", () => {
  assert.deepEqual(
    cases.map((c) => c.id.slice(0, 3)),
    ["Q01", "Q02", "Q03", "Q04"],
  );
});

for (const vector of cases) {
  test(`${vector.id}: message, signature and Authorization match the Python plugin`, () => {
    const { input, reference } = vector;
    const request = { method: "GET", url: input.url, body: new Uint8Array(), timestamp: input.timestamp, nonce: input.nonce };
    const message = buildRequestMessage(request);
    assert.equal(message.toString("utf8"), reference.message);
    assert.equal(signMessage(message, testOnlyMerchantPrivateKey), reference.signature);
    const merchant = { mchid: input.mchid, serialNo: input.serial_no, privateKey: testOnlyMerchantPrivateKey };
    assert.equal(authorizationHeader(merchant, request), reference.authorization);
  });

  test(`${vector.id}: the client sends and signs exactly the vector's path and query`, async () => {
    const { input, reference } = vector;
    const seen: Request[] = [];
    const client = createPayScoreClient({
      baseUrl: "http://127.0.0.1:9",
      merchant: { mchid: ids.mchid, serialNo: ids.merchant_serial_no, privateKey: testOnlyMerchantPrivateKey },
      verifier: { keys: new Map([[ids.platform_public_key_id, testOnlyPlatformPublicKey]]) },
      nowSeconds: () => Number(input.timestamp),
      nonce: () => input.nonce,
      fetch: async (request) => {
        seen.push(request);
        throw new Error("not sent: the test stops here");
      },
    });
    const query = Object.fromEntries(input.params) as {
      service_id: string;
      sub_mchid: string;
      channel_id: string;
      out_order_no?: string;
      query_id?: string;
    };
    await assert.rejects(client.GET("/v3/payscore/acquiringbank/serviceorder", { params: { query } }), /not sent/);
    assert.equal(seen.length, 1);
    const url = new URL(seen[0]!.url);
    assert.equal(`${url.pathname}${url.search}`, input.url);
    assert.equal(seen[0]!.headers.get("Authorization"), reference.authorization);
  });
}

test("the fixed encoding: unreserved as they are, space as +, the rest upper-case percent-encoded", () => {
  assert.equal(formEncode("Az09-._~"), "Az09-._~");
  assert.equal(formEncode("a b|c*d!e'f(g)h"), "a+b%7Cc%2Ad%21e%27f%28g%29h");
  assert.equal(formEncode("中"), "%E4%B8%AD");
  assert.equal(serializeQuery({ a: "1", skipped: undefined, b: "x&y" }), "a=1&b=x%26y");
  assert.throws(() => formEncode("\ud800"), URIError);
  assert.throws(() => serializeQuery({ a: 1 }), /query parameter a must be a string, got number/);
});
