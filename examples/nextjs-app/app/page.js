// Rendered on each request so it can query Hasura server-side.
export const dynamic = 'force-dynamic';

export default async function Home() {
  const response = await fetch(process.env.NEXT_PUBLIC_HASURA_GRAPHQL_URL, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ __typename }' }),
  }).catch(() => undefined);
  return (
    <main>
      <h1>Hasura Blog</h1>
      <p>GraphQL API: {response?.ok ? 'reachable' : 'not reachable yet'}</p>
    </main>
  );
}
