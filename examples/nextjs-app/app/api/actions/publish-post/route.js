// app/api/actions/publish-post/route.js: the handler of the Hasura action `publishPost(postId)` (see the
// Hasura project's metadata/actions.yaml). It publishes the post as the caller: Hasura forwards the
// client's Authorization header, and its update permission on posts lets users publish only their own.
// Then the cached post list is refreshed. It answers with the action's output type, PublishPostOutput.
import { revalidateTag } from 'next/cache';
import { hasuraRequest, PUBLISH_POST } from '../../../../lib/hasura';
import { webhookError, webhookHandler } from '../../../../lib/webhook';

// Hasura's request: { action: { name }, input: { postId }, session_variables: { "x-hasura-role", ... },
// request_query }. Errors go back as 4xx with { message, extensions: { code } }.
export const POST = webhookHandler(async (payload, request) => {
  const postId = payload?.input?.postId;
  if (payload?.action?.name !== 'publishPost' || typeof postId !== 'string') {
    return webhookError(400, 'bad-request', 'expected the publishPost action with input.postId');
  }
  const authorization = request.headers.get('authorization');
  if (!authorization) {
    return webhookError(400, 'bad-request', 'no Authorization header to act as the caller (forward_client_headers)');
  }
  const data = await hasuraRequest(PUBLISH_POST, {
    variables: { id: postId },
    headers: { authorization },
    fetchOptions: { cache: 'no-store' },
  });
  const post = data.update_posts_by_pk;
  if (!post) {
    return webhookError(404, 'not-found', `no post ${postId} of yours to publish`);
  }
  revalidateTag('posts', { expire: 0 });
  return Response.json({ id: post.id, title: post.title, published: post.published });
});
