// The contract's one fixed encoding of a query string (see GET /v3/payscore/acquiringbank/serviceorder):
// application/x-www-form-urlencoded, the unreserved characters A-Z a-z 0-9 - . _ ~ as they are, a space as `+`,
// every other byte of the UTF-8 value percent-encoded in upper case (`|` as %7C, `*` as %2A). The signature covers
// the query as sent, so any encoding would verify; one fixed encoding makes the signed message reproducible across
// languages (the query vectors check it). encodeURIComponent alone leaves ! ' ( ) * as they are.

/** A lone surrogate cannot be encoded: encodeURIComponent throws URIError, before anything is sent. */
export function formEncode(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, "+");
}

/** `name=value&…` in the order the caller gives (the contract's order); undefined values are left out. */
export function serializeQuery(query: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (typeof value !== "string") {
      throw new TypeError(`query parameter ${name} must be a string, got ${value === null ? "null" : typeof value}`);
    }
    parts.push(`${formEncode(name)}=${formEncode(value)}`);
  }
  return parts.join("&");
}
