// Syncs one order against a running emulator: `npm run example -- <base_url> [out_order_no]`.
// Exit status 0 only for a verified 204.
import { createPayScoreClient } from "./client.js";
import { clientOptionsForEmulator, fetchEmulatorConfig } from "./emulatorConfig.js";
import { ResponseVerificationError } from "./errors.js";
import type { components } from "./generated/schema.js";

const SEED_ORDER = "1234323JKHDFE1243252";
const SEED_BODY: components["schemas"]["SyncServiceOrderRequest"] = {
  service_id: "2002000000000558128851361561536",
  sub_mchid: "1900000109",
  channel_id: "1230000109",
  type: "Order_Paid",
  detail: { paid_time: "20091225091210" },
};

async function main(argv: readonly string[]): Promise<number> {
  const [baseUrl, outOrderNo = SEED_ORDER] = argv;
  if (baseUrl === undefined) {
    console.error("usage: npm run example -- <base_url> [out_order_no]");
    return 2;
  }
  const client = createPayScoreClient(await clientOptionsForEmulator(baseUrl, await fetchEmulatorConfig(baseUrl)));
  try {
    const { error, response } = await client.POST("/v3/payscore/acquiringbank/serviceorder/{out_order_no}/sync", {
      params: { path: { out_order_no: outOrderNo } },
      body: SEED_BODY,
    });
    const requestId = response.headers.get("Request-ID") ?? "-";
    if (response.status === 204) {
      console.log(`synced ${outOrderNo}: 204, signature verified (Request-ID ${requestId})`);
      return 0;
    }
    console.log(`refused: ${response.status} ${error?.code ?? "?"} ${error?.message ?? ""} (Request-ID ${requestId})`);
    return 1;
  } catch (caught) {
    if (caught instanceof ResponseVerificationError) {
      // The request may have taken effect even though the answer cannot be trusted: reconcile before retrying.
      console.error(`answer rejected (${caught.name}): ${caught.message}; query the order before any retry`);
      return 1;
    }
    throw caught;
  }
}

process.exitCode = await main(process.argv.slice(2));
