/** Hasura's GraphQL endpoints (HTTP and websocket); their bodies are GraphQL documents. */
export const GRAPHQL_PATHS = ['/v1/graphql', '/v1beta1/relay'];

/** Where Next.js serves its build's static assets (content-hashed file names). */
export const NEXT_STATIC_PATH_PATTERN = '/_next/static/*';
