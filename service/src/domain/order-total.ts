// The largest total one order may have, in minor units: the range of orders.total_cents (PostgreSQL `integer`,
// 2^31 − 1, i.e. 21,474,836.47 INR or GBP). Issue #23: a cart above it overflowed the checkout's int4 arithmetic
// and answered 500. The cart and both checkout paths now refuse such an order with a 409 before anything is
// written. The column stays `integer`: widening it to `bigint` rewrites the orders table under an ACCESS
// EXCLUSIVE lock (blocking every checkout meanwhile; prisma/expand-contract.ts refuses it as a type change
// under the previous release), and an order above 21 million is not one a shop without payment should take.
export const ORDER_TOTAL_MAX_CENTS = 2_147_483_647;

/** The shopper-facing reason, one wording for the cart and the checkout. */
export const ORDER_TOTAL_TOO_LARGE =
  'The order total is above the largest one order may have; split it into smaller orders';
