/** Hasura's GraphQL endpoints (HTTP and websocket); their bodies are GraphQL documents. */
export const GRAPHQL_PATHS = ['/v1/graphql', '/v1beta1/relay'];

/** Where Next.js serves its build's static assets (content-hashed file names). */
export const NEXT_STATIC_PATH_PATTERN = '/_next/static/*';

/** Where Next.js serves optimized images (`/_next/image?url=...&w=...&q=...`). */
export const NEXT_IMAGE_PATH_PATTERN = '/_next/image*';

/** Where Next.js route handlers conventionally live: never cached by the CDN, every header passed on. */
export const API_ROUTES_PATH_PATTERN = '/api/*';

/**
 * The request headers that make Next.js answer the same URL with an RSC payload instead of HTML, or
 * with another one: Next.js lists them in `Vary`.
 */
export const RSC_CACHE_KEY_HEADERS = ['rsc', 'next-router-prefetch', 'next-router-state-tree', 'next-router-segment-prefetch', 'next-url'];
