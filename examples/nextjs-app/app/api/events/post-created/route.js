// app/api/events/post-created/route.js: the webhook of the Hasura event trigger `post_created` (inserts
// into posts). A new published post changes the post list: its cached renders are dropped on every server
// and, behind CloudFront, the home page is invalidated. Any non-2xx answer makes Hasura retry the event.
import { revalidateTag } from 'next/cache';
import { invalidateCdn } from '../../../../lib/cdn';
import { webhookError, webhookHandler } from '../../../../lib/webhook';

// Hasura's request: { id, created_at, trigger: { name }, table: { schema, name }, delivery_info,
// event: { op, data: { old, new }, session_variables } }.
export const POST = webhookHandler(async (payload) => {
  const post = payload?.event?.data?.new;
  if (payload?.trigger?.name !== 'post_created' || payload?.event?.op !== 'INSERT' || !post || typeof payload.id !== 'string') {
    return webhookError(400, 'bad-request', 'expected an INSERT event of the post_created trigger');
  }
  if (!post.published) {
    return Response.json({ revalidated: [], invalidation: null });
  }
  revalidateTag('posts', { expire: 0 });
  // The event id keeps Hasura's retries of this event to one invalidation.
  const invalidation = await invalidateCdn(['/'], payload.id);
  return Response.json({ revalidated: ['posts'], invalidation: invalidation ?? null });
});
