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

async function control(baseUrl: string, method: string, path: string, body?: unknown): Promise<Response> {
  const response = await fetch(new URL(path, baseUrl), {
    method,
    signal: AbortSignal.timeout(10_000),
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "Content-Type": "application/json" } }),
  });
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
  return response;
}

/** What the emulator received, oldest first. */
export async function loggedRequests(baseUrl: string): Promise<readonly LoggedRequest[]> {
  const json = (await (await control(baseUrl, "GET", "/_emulator/requests")).json()) as { requests: LoggedRequest[] };
  return json.requests;
}

/** Spoils the signature of the next answer only. */
export async function injectFault(baseUrl: string, kind: SignatureFault): Promise<void> {
  await control(baseUrl, "POST", "/_emulator/faults", { kind, times: 1 });
}
