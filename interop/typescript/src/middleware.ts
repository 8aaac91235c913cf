// Plugs the signer and verifier into openapi-fetch. The request is signed over the bytes and path that will be
// sent, and the answer is verified over the raw bytes before openapi-fetch parses anything.
import type { Middleware } from "openapi-fetch";
import { DotSegmentParameterError } from "./errors.js";
import { authorizationHeader, randomNonce, type MerchantCredentials } from "./signer.js";
import { systemNowSeconds, verifyResponse, type VerifierOptions } from "./verifier.js";

export interface WechatPay2Options {
  readonly merchant: MerchantCredentials;
  readonly verifier: VerifierOptions;
  /**
   * Sent as the `Wechatpay-Serial` request header (public-key mode): WeChat Pay then signs its answer with that
   * public key rather than a platform certificate.
   */
  readonly wechatpayPublicKeyId?: string;
  /** Injectable for deterministic tests. */
  readonly nowSeconds?: () => number;
  readonly nonce?: () => string;
}

// A Response with one of these statuses must be constructed with a null body.
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

export function wechatPay2Middleware(options: WechatPay2Options): Middleware {
  const now = options.nowSeconds ?? systemNowSeconds;
  const nonce = options.nonce ?? randomNonce;
  return {
    async onRequest({ request, params }) {
      for (const [name, value] of Object.entries(params.path ?? {})) {
        if (value === "." || value === "..") throw new DotSegmentParameterError(name, value);
      }
      const body = new Uint8Array(await request.clone().arrayBuffer());
      // What undici puts on the request line: the WHATWG-serialised path and query, after percent-encoding
      // and dot-segment removal. Signing request.url's pieces, not the template, keeps the two identical.
      const url = new URL(request.url);
      const headers = new Headers(request.headers);
      headers.set(
        "Authorization",
        authorizationHeader(options.merchant, {
          method: request.method,
          url: `${url.pathname}${url.search}`,
          body,
          timestamp: String(now()),
          nonce: nonce(),
        }),
      );
      if (options.wechatpayPublicKeyId !== undefined) headers.set("Wechatpay-Serial", options.wechatpayPublicKeyId);
      // Rebuilt from the very bytes that were signed, so nothing can re-encode the body in between.
      return new Request(request.url, {
        method: request.method,
        headers,
        body: body.byteLength > 0 ? body : null,
        signal: request.signal,
        // A redirect would resend this signature for another URL; WeChat Pay does not redirect API calls.
        redirect: "error",
      });
    },
    async onResponse({ response }) {
      const raw = new Uint8Array(await response.arrayBuffer());
      verifyResponse(response.headers, raw, options.verifier);
      // openapi-fetch parses this copy: the bytes it reads are the bytes that were verified.
      return new Response(NULL_BODY_STATUSES.has(response.status) ? null : raw, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    },
  };
}
