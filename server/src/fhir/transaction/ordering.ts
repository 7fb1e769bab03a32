/**
 * Transaction processing order, https://hl7.org/fhir/R4/http.html#trules: DELETE, then POST,
 * then PUT/PATCH, then GET/HEAD, whatever their order in the Bundle (the response keeps the
 * request's order). Within a group the Bundle order is kept.
 */

const rank: Readonly<Record<string, number>> = { DELETE: 0, POST: 1, PUT: 2, PATCH: 2, GET: 3, HEAD: 3 };

/**
 * The indexes of the entries in processing order.
 * @param methods - each entry's request.method (unknown methods are processed last).
 */
export function processingOrder(methods: readonly (string | undefined)[]): number[] {
  return methods
    .map((method, index) => ({ index, rank: rank[method ?? ''] ?? 4 }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map((e) => e.index);
}
