// app/api/revalidate/route.js: POST {"tag": "posts"} with the X-Webhook-Secret header drops every cached
// page and fetch result carrying that tag, on every server that shares the cache. For operators, and for
// anything that changes data without going through Hasura's events.
import { revalidateTag } from 'next/cache';
import { webhookError, webhookHandler } from '../../../lib/webhook';

export const POST = webhookHandler(async (body) => {
  const tag = body?.tag;
  if (typeof tag !== 'string' || tag.length === 0) {
    return webhookError(400, 'bad-request', 'the body must be {"tag": "<cache tag>"}');
  }
  // Expire at once: the next request renders fresh data instead of being served the stale copy.
  revalidateTag(tag, { expire: 0 });
  return Response.json({ revalidated: [tag] });
});
