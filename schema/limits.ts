/**
 * Limits the contract documents in schema.graphql, defined once for every layer that enforces
 * them: the resolvers' early checks (resolvers/lib/validate.ts) and the flows' own (core/).
 */

/**
 * RegisterUserInput / RegisterWithIdCardInput `properties`: a JSON object of at most this many
 * bytes, counted in UTF-8 on its JSON text as stored (compact, as JSON.stringify writes it).
 * AppSync hands AWSJSON arguments to resolvers already parsed, so the client's own text — its
 * whitespace, its escapes — is not what can be measured; the stored value is.
 */
export const MAX_PROPERTIES_BYTES = 4096;
