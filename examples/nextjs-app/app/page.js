// app/page.js: the home page, the blog's published posts (title and author), rendered on the server
// from Hasura and kept in the cache (ISR). A render is reused for up to `revalidate` seconds, and dropped
// at once when the `posts` tag is revalidated: a new published post (the post_created event), a
// published draft (the publishPost action) or an operator's POST to /api/revalidate.
import { hasuraRequest, PUBLISHED_POSTS } from '../lib/hasura';

export const revalidate = 60;

/**
 * The posts, or the error that kept them from loading (Hasura down; no Hasura while the image builds).
 * The error state is cached like any render: the next regeneration, at most `revalidate` seconds later,
 * or the next revalidation of `posts` replaces it. The copy the image build renders is never served from
 * the shared cache; without it, a server regenerates that copy on its first request.
 */
async function loadPosts() {
  try {
    const data = await hasuraRequest(PUBLISHED_POSTS, { fetchOptions: { next: { revalidate, tags: ['posts'] } } });
    return { posts: data.posts };
  } catch (error) {
    console.error(`home page: posts unavailable: ${error.message}`);
    return { error };
  }
}

function PostList({ posts }) {
  if (posts.length === 0) {
    return <p>No posts yet.</p>;
  }
  return (
    <ul>
      {posts.map((post) => (
        <li key={post.id} data-post-id={post.id}>
          <strong data-testid="post-title">{post.title}</strong>
          {' by '}
          <span data-testid="post-author">{post.author?.name ?? 'unknown'}</span>
        </li>
      ))}
    </ul>
  );
}

export default async function Home() {
  const { posts, error } = await loadPosts();
  // When this copy of the page was rendered: tells a fresh render from a cached one.
  const renderedAt = new Date().toISOString();
  return (
    <main>
      <h1>Hasura Blog</h1>
      {error
        ? <p role="alert" data-testid="posts-error">The posts cannot be loaded right now. Please try again in a minute.</p>
        : <PostList posts={posts} />}
      <footer>
        <p>Rendered at <time data-testid="rendered-at" dateTime={renderedAt}>{renderedAt}</time></p>
        <p>GraphQL API for browsers: <code data-testid="graphql-url">{process.env.NEXT_PUBLIC_HASURA_GRAPHQL_URL}</code></p>
      </footer>
    </main>
  );
}
