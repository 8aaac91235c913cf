// One class per failed step of the response check, so callers (and tests) can tell a replayed answer from a
// forged one without parsing messages. All share a base class for "treat this answer as not from WeChat Pay".

/** The answer could not be shown to come from WeChat Pay; its status and body must not be trusted. */
export class ResponseVerificationError extends Error {
  constructor(
    message: string,
    /** WeChat Pay's Request-ID when the answer carried one: quote it to support. */
    readonly requestId: string | null,
  ) {
    super(requestId === null ? message : `${message} (Request-ID ${requestId})`);
    this.name = new.target.name;
  }
}

/**
 * Refused before signing: a path parameter of `.` or `..` is a dot segment, which URL parsers remove, so the call
 * would silently go to another path (`..` as out_order_no turns the sync into POST /v3/payscore/acquiringbank/sync).
 */
export class DotSegmentParameterError extends Error {
  constructor(
    readonly parameter: string,
    readonly value: string,
  ) {
    super(`path parameter ${parameter} = ${JSON.stringify(value)} is a dot segment; nothing was sent`);
    this.name = new.target.name;
  }
}

/** Step 1: a Wechatpay-* header needed to verify is absent. */
export class MissingSignatureHeaderError extends ResponseVerificationError {
  constructor(
    readonly missing: readonly string[],
    requestId: string | null,
  ) {
    super(`response lacks ${missing.join(", ")}`, requestId);
  }
}

/** Step 1: the answer claims a signature scheme this verifier does not implement. */
export class UnsupportedSignatureTypeError extends ResponseVerificationError {
  constructor(
    readonly signatureType: string,
    requestId: string | null,
  ) {
    super(`unsupported Wechatpay-Signature-Type ${JSON.stringify(signatureType)}`, requestId);
  }
}

/** Step 2: Wechatpay-Timestamp is malformed or too far from local time (a possible replay). */
export class StaleTimestampError extends ResponseVerificationError {
  constructor(
    readonly timestamp: string,
    readonly nowSeconds: number,
    requestId: string | null,
  ) {
    super(`Wechatpay-Timestamp ${JSON.stringify(timestamp)} is not within the allowed skew of ${nowSeconds}`, requestId);
  }
}

/** Step 3: Wechatpay-Serial names no key we hold (key rotation or public-key migration not configured). */
export class UnknownSerialError extends ResponseVerificationError {
  constructor(
    readonly serial: string,
    requestId: string | null,
  ) {
    super(`no WeChat Pay key for Wechatpay-Serial ${JSON.stringify(serial)}`, requestId);
  }
}

/**
 * Step 4, special case: WeChat Pay's deliberate `WECHATPAY/SIGNTEST/` probe. Kept apart from a plain bad
 * signature because the request may still have taken effect: reconcile (query the order) before any retry.
 */
export class SignatureProbeError extends ResponseVerificationError {
  constructor(requestId: string | null) {
    super("Wechatpay-Signature is a WECHATPAY/SIGNTEST/ probe; the outcome of the request is unknown", requestId);
  }
}

/** Step 4: the signature is malformed or does not verify over TIMESTAMP\nNONCE\nBODY\n. */
export class InvalidSignatureError extends ResponseVerificationError {
  constructor(reason: string, requestId: string | null) {
    super(`Wechatpay-Signature ${reason}`, requestId);
  }
}

/**
 * Refused before signing: the call breaks a rule the contract writes as data (`x-rules`, `x-exactly-one-of`).
 * WeChat Pay would answer it 400 PARAM_ERROR; nothing was sent, so nothing needs reconciling.
 */
export class ContractRuleError extends Error {
  constructor(
    readonly operationId: string,
    readonly violations: readonly { readonly rule: string; readonly field: string; readonly message: string }[],
  ) {
    super(`${operationId} not sent: ${violations.map((violation) => violation.message).join("; ")}`);
    this.name = new.target.name;
  }
}

/**
 * A verified answer the contract does not declare for the operation (a 200 to a complete, whose success is 204;
 * a 2xx without the declared body; an error without an error body). It did come from WeChat Pay, so a call that
 * changes an order may have been applied: settle it with the query its `x-outcome` names before any retry.
 */
export class UnexpectedAnswerError extends Error {
  constructor(
    readonly operationId: string,
    readonly status: number,
    /** WeChat Pay's Request-ID when the answer carried one: quote it to support. */
    readonly requestId: string | null,
  ) {
    super(
      `${operationId} answered ${status}, which the contract does not declare` +
        (requestId === null ? "" : ` (Request-ID ${requestId})`),
    );
    this.name = new.target.name;
  }
}
