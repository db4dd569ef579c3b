// lib/hasura.js: GraphQL requests from the server to Hasura, inside the VPC (HASURA_GRAPHQL_INTERNAL_URL).
// Server code never uses the public URL: that would leave the VPC and come back through the load
// balancer, the CDN and the web ACL's rate limit.

/** The posts the home page lists; sent without credentials, so Hasura answers as its `public` role. */
export const PUBLISHED_POSTS = `query PublishedPosts {
  posts(order_by: {created_at: desc}, limit: 20) {
    id
    title
    created_at
    author {
      name
    }
  }
}`;

/** Publishes a post, as whoever the forwarded Authorization header says (Hasura checks it is theirs). */
export const PUBLISH_POST = `mutation PublishPost($id: uuid!) {
  update_posts_by_pk(pk_columns: {id: $id}, _set: {published: true}) {
    id
    title
    published
  }
}`;

const TIMEOUT_MS = 10_000;

/**
 * Sends one operation and returns its `data`. Throws when Hasura cannot be reached, answers with an HTTP
 * error, or reports GraphQL errors (which Hasura sends with status 200).
 * `fetchOptions` go to fetch as they are, e.g. `{ next: { revalidate, tags } }` to cache the answer.
 */
export async function hasuraRequest(query, { variables, headers, fetchOptions } = {}) {
  const url = process.env.HASURA_GRAPHQL_INTERNAL_URL;
  if (!url) {
    throw new Error('HASURA_GRAPHQL_INTERNAL_URL is not set');
  }
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(TIMEOUT_MS),
    ...fetchOptions,
  });
  if (!response.ok) {
    throw new Error(`Hasura answered HTTP ${response.status}`);
  }
  const { data, errors } = await response.json();
  if (errors?.length) {
    throw new Error(`Hasura: ${errors.map((error) => error.message).join('; ')}`);
  }
  return data;
}
