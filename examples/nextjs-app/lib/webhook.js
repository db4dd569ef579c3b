// lib/webhook.js: the gate in front of every route Hasura (or an operator) calls. A request must carry
// the shared secret HASURA_WEBHOOK_SECRET in its X-Webhook-Secret header, and a JSON body.
import { createHash, timingSafeEqual } from 'node:crypto';

const SECRET_HEADER = 'x-webhook-secret';

/** Fixed-length digests, so comparing them takes the same time whatever the lengths of the inputs. */
function digest(value) {
  return createHash('sha256').update(value, 'utf8').digest();
}

function hasWebhookSecret(request) {
  const expected = process.env.HASURA_WEBHOOK_SECRET;
  const given = request.headers.get(SECRET_HEADER);
  if (!expected || given === null) {
    return false;
  }
  return timingSafeEqual(digest(given), digest(expected));
}

/** An error in the shape Hasura passes on to the GraphQL client for actions. */
export function webhookError(status, code, message) {
  return Response.json({ message, extensions: { code } }, { status });
}

/**
 * A POST route handler that runs `handle(body, request)` only for a request with the right secret and a
 * JSON body; it answers 401 and 400 itself.
 */
export function webhookHandler(handle) {
  return async function POST(request) {
    if (!hasWebhookSecret(request)) {
      return webhookError(401, 'access-denied', 'missing or wrong X-Webhook-Secret');
    }
    let body;
    try {
      body = await request.json();
    } catch {
      return webhookError(400, 'invalid-json', 'the body must be JSON');
    }
    return handle(body, request);
  };
}
