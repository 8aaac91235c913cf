// Loads the copied peer vectors (TEST-ONLY keys). Tests run from dist/tests/, hence the path back to the sources.
import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";

interface SignCase {
  readonly id: string;
  readonly kind: "sign";
  readonly input: {
    readonly mchid: string;
    readonly serial_no: string;
    readonly nonce: string;
    readonly timestamp: string;
    readonly method: string;
    readonly url: string;
    readonly body: string;
  };
  readonly reference: { readonly message: string; readonly signature: string; readonly authorization: string };
}

interface VerifyCase {
  readonly id: string;
  readonly kind: "verify";
  readonly input: {
    readonly timestamp: string;
    readonly nonce: string;
    readonly body: string;
    readonly signature: string;
    readonly serial: string;
  };
  readonly reference: { readonly message: string; readonly accepted: boolean };
}

interface VectorFile {
  readonly ids: { readonly mchid: string; readonly merchant_serial_no: string; readonly platform_public_key_id: string };
  readonly test_only_keys: {
    readonly merchant_private_pem: string;
    readonly merchant_public_pem: string;
    readonly platform_private_pem: string;
    readonly platform_public_pem: string;
  };
  readonly cases: readonly (SignCase | VerifyCase)[];
}

const file = JSON.parse(
  readFileSync(new URL("../../tests/fixtures/test-only-peer-vectors.json", import.meta.url), "utf8"),
) as VectorFile;

export const ids = file.ids;
export const signCases = file.cases.filter((c): c is SignCase => c.kind === "sign");
export const verifyCases = file.cases.filter((c): c is VerifyCase => c.kind === "verify");

export const testOnlyMerchantPrivateKey: KeyObject = createPrivateKey(file.test_only_keys.merchant_private_pem);
export const testOnlyMerchantPublicKey: KeyObject = createPublicKey(file.test_only_keys.merchant_public_pem);
/** Plays WeChat Pay in unit tests: signs fake answers. */
export const testOnlyPlatformPrivateKey: KeyObject = createPrivateKey(file.test_only_keys.platform_private_pem);
export const testOnlyPlatformPublicKey: KeyObject = createPublicKey(file.test_only_keys.platform_public_pem);
