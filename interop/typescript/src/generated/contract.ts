// Extracted from ../../openapi/payscore-acquiringbank.yaml by `npm run generate`
// (scripts/extract-contract.mjs); do not edit by hand. `satisfies` makes the build fail on a rule kind the
// checker in src/contractRules.ts does not know, instead of silently skipping it.
import type { OperationFacts } from "../contractRules.js";

export const operationFacts = {
  "queryServiceOrder": {
    "method": "GET",
    "path": "/v3/payscore/acquiringbank/serviceorder",
    "query": [
      {
        "name": "service_id",
        "required": true
      },
      {
        "name": "sub_mchid",
        "required": true
      },
      {
        "name": "channel_id",
        "required": true
      },
      {
        "name": "out_order_no",
        "required": false
      },
      {
        "name": "query_id",
        "required": false
      }
    ],
    "exactlyOneOf": [
      "out_order_no",
      "query_id"
    ],
    "rules": [],
    "success": [
      200
    ]
  },
  "createServiceOrder": {
    "method": "POST",
    "path": "/v3/payscore/acquiringbank/serviceorder",
    "query": [],
    "exactlyOneOf": [],
    "rules": [
      {
        "rule": "unique",
        "items": "/post_discounts",
        "key": "name"
      }
    ],
    "success": [
      200
    ]
  },
  "queryDeductInfo": {
    "method": "GET",
    "path": "/v3/payscore/acquiringbank/serviceorder/deduction",
    "query": [
      {
        "name": "service_id",
        "required": true
      },
      {
        "name": "appid",
        "required": true
      },
      {
        "name": "sub_mchid",
        "required": true
      },
      {
        "name": "sub_appid",
        "required": false
      },
      {
        "name": "channel_id",
        "required": true
      },
      {
        "name": "out_order_no",
        "required": true
      }
    ],
    "exactlyOneOf": [],
    "rules": [],
    "success": [
      200
    ]
  },
  "cancelServiceOrder": {
    "method": "POST",
    "path": "/v3/payscore/acquiringbank/serviceorder/{out_order_no}/cancel",
    "query": [],
    "exactlyOneOf": [],
    "rules": [],
    "success": [
      204
    ]
  },
  "completeServiceOrder": {
    "method": "POST",
    "path": "/v3/payscore/acquiringbank/serviceorder/{out_order_no}/complete",
    "query": [],
    "exactlyOneOf": [],
    "rules": [
      {
        "rule": "sum",
        "total": "/total_amount",
        "add": "/post_payments/*/amount",
        "subtract": "/post_discounts/*/amount"
      },
      {
        "rule": "unique",
        "items": "/post_discounts",
        "key": "name"
      },
      {
        "rule": "not-above-order",
        "field": "/total_amount",
        "order-field": "/risk_fund/amount"
      }
    ],
    "success": [
      204
    ]
  },
  "modifyServiceOrder": {
    "method": "POST",
    "path": "/v3/payscore/acquiringbank/serviceorder/{out_order_no}/modify",
    "query": [],
    "exactlyOneOf": [],
    "rules": [
      {
        "rule": "sum",
        "total": "/total_amount",
        "add": "/post_payments/*/amount",
        "subtract": "/post_discounts/*/amount"
      },
      {
        "rule": "unique",
        "items": "/post_discounts",
        "key": "name"
      },
      {
        "rule": "lower-only",
        "field": "/total_amount",
        "order-field": "/total_amount"
      }
    ],
    "success": [
      204
    ]
  },
  "registerDeductInfo": {
    "method": "POST",
    "path": "/v3/payscore/acquiringbank/serviceorder/{out_order_no}/registerdeductinfo",
    "query": [],
    "exactlyOneOf": [],
    "rules": [],
    "success": [
      200
    ]
  },
  "syncServiceOrder": {
    "method": "POST",
    "path": "/v3/payscore/acquiringbank/serviceorder/{out_order_no}/sync",
    "query": [],
    "exactlyOneOf": [],
    "rules": [],
    "success": [
      204
    ]
  }
} as const satisfies Record<string, OperationFacts>;

export type OperationId = keyof typeof operationFacts;
