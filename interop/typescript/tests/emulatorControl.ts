// The emulator's /_emulator/... control surface, as far as the end-to-end tests use it (not part of the contract).
export interface LoggedRequest {
  readonly request_id: string;
  readonly method: string;
  readonly target: string;
  readonly body: string | null;
  readonly status: number | null;
  readonly code: string | null;
  readonly signature_verified: boolean;
}

export type SignatureFault = "bad_signature" | "missing_signature" | "stale_signature" | "probe_signature" | "html_502";

/** A control route refused: 404 for an unknown order, 409 when the order's state forbids the change. */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    what: string,
  ) {
    super(`${what} answered ${status}: ${body}`);
    this.name = new.target.name;
  }
}

async function control(baseUrl: string, method: string, path: string, body?: unknown): Promise<Response> {
  const response = await fetch(new URL(path, baseUrl), {
    method,
    signal: AbortSignal.timeout(10_000),
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "Content-Type": "application/json" } }),
  });
  if (!response.ok) throw new ControlError(response.status, await response.text(), `${method} ${path}`);
  return response;
}

/** What the emulator received, oldest first. */
export async function loggedRequests(baseUrl: string): Promise<readonly LoggedRequest[]> {
  const json = (await (await control(baseUrl, "GET", "/_emulator/requests")).json()) as { requests: LoggedRequest[] };
  return json.requests;
}

/** Spoils the signature of the next answer only (the next one about that order, when one is named). */
export async function injectFault(baseUrl: string, kind: SignatureFault, outOrderNo?: string): Promise<void> {
  await control(baseUrl, "POST", "/_emulator/faults", {
    kind,
    times: 1,
    ...(outOrderNo === undefined ? {} : { out_order_no: outOrderNo }),
  });
}

/** The order as the emulator holds it, after the change: unsigned control data, not a WeChat Pay answer. */
export type EmulatorOrder = Readonly<Record<string, unknown>>;

/**
 * What happens outside the API in real life, each a POST /_emulator/orders/{out_order_no}/<event>:
 * `confirm` the user confirms the order; `pay` the user pays it actively; `collect` the clearing house collects the
 * registered deduction; `lapse-deduction` the effective deduction is closed at the clearing house before its 24 hours end.
 */
export type OrderEvent = "confirm" | "pay" | "collect" | "lapse-deduction";

export async function orderEvent(baseUrl: string, outOrderNo: string, event: OrderEvent): Promise<EmulatorOrder> {
  const path = `/_emulator/orders/${encodeURIComponent(outOrderNo)}/${event}`;
  const json: unknown = await (await control(baseUrl, "POST", path)).json();
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new Error(`${path} gave no order object`);
  return json as EmulatorOrder;
}

export const confirmOrder = (baseUrl: string, outOrderNo: string) => orderEvent(baseUrl, outOrderNo, "confirm");
export const payOrder = (baseUrl: string, outOrderNo: string) => orderEvent(baseUrl, outOrderNo, "pay");
export const collectDeduction = (baseUrl: string, outOrderNo: string) => orderEvent(baseUrl, outOrderNo, "collect");
export const lapseDeduction = (baseUrl: string, outOrderNo: string) => orderEvent(baseUrl, outOrderNo, "lapse-deduction");

/** Moves the emulator's clock forward (order expiry, deduction validity); answers what the emulator reports. */
export async function advanceClock(baseUrl: string, seconds: number): Promise<unknown> {
  return (await control(baseUrl, "POST", "/_emulator/clock", { advance_seconds: seconds })).json();
}
