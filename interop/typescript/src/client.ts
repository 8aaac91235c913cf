// A typed client for the contract's endpoints (sync and query): openapi-fetch over the generated `paths`, with
// WECHATPAY2 signing and verification always on, the contract's fixed query encoding, and a timeout (fetch has none
// by default).
import createClient, { type Client } from "openapi-fetch";
import type { paths } from "./generated/schema.js";
import { wechatPay2Middleware, type WechatPay2Options } from "./middleware.js";
import { serializeQuery } from "./query.js";

export type PayScoreClient = Client<paths>;

export interface PayScoreClientOptions extends WechatPay2Options {
  /** e.g. https://api.mch.weixin.qq.com, or the emulator's base URL. */
  readonly baseUrl: string;
  readonly timeoutMs?: number;
  /** Sent because WeChat Pay answers 400 INVALID_REQUEST to a request without one. */
  readonly userAgent?: string;
  /** For tests: replaces the network. */
  readonly fetch?: (request: Request) => Promise<Response>;
}

export const DEFAULT_USER_AGENT = `wechatpay-payscore-ts-interop/0.0.0 node/${process.versions.node}`;

export function createPayScoreClient(options: PayScoreClientOptions): PayScoreClient {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const send = options.fetch ?? ((request: Request) => globalThis.fetch(request));
  const client = createClient<paths>({
    baseUrl: options.baseUrl,
    headers: { Accept: "application/json", "User-Agent": options.userAgent ?? DEFAULT_USER_AGENT },
    querySerializer: serializeQuery,
    fetch: (request: Request) =>
      send(new Request(request, { signal: AbortSignal.any([request.signal, AbortSignal.timeout(timeoutMs)]) })),
  });
  client.use(wechatPay2Middleware(options));
  return client;
}
