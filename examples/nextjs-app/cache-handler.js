// cache-handler.js: where the server keeps rendered pages and fetch results (Next's ISR and data cache).
//
// With CACHE_REDIS_URL set, every server of the service reads and writes one Redis (ElastiCache): a page
// one task renders is what all tasks serve, and revalidating a tag on one task refreshes all of them.
// Without it, each server keeps Next's own file-system cache, as if no handler were configured.
//
// Why @fortedigital/nextjs-cache-handler: it is maintained (the successor of @neshca/cache-handler, which
// stopped at Next 14), it supports Next 16 (including the per-segment payloads of 16.3 and later), and it
// talks to Redis through the official node-redis client, which does TLS (rediss://) and RBAC users
// (username and password) as ElastiCache requires. It keeps its tag index in plain hashes, so it needs no
// pub/sub, keyspace events, CONFIG or SELECT, none of which ElastiCache Serverless offers.
const { PHASE_PRODUCTION_BUILD } = require('next/constants');

const redisUrl = process.env.CACHE_REDIS_URL;
const shared = Boolean(redisUrl) && process.env.NEXT_PHASE !== PHASE_PRODUCTION_BUILD;

// One hash tag for every key: the handler deletes several keys in one command, which a Redis cluster
// (ElastiCache Serverless always is one) accepts only when all of them live in the same hash slot.
const KEY_PREFIX = '{nextjs}:';

function sharedCacheHandler() {
  const { createClient } = require('redis');
  const { CacheHandler } = require('@fortedigital/nextjs-cache-handler');
  const createRedisHandler = require('@fortedigital/nextjs-cache-handler/redis-strings').default;

  // One connection per server process, opened when the module loads: Next creates a handler object for
  // every request. Until Redis answers, reads are misses and pages render fresh; node-redis reconnects.
  const client = createClient({
    url: redisUrl,
    username: process.env.CACHE_REDIS_USERNAME || undefined,
    password: process.env.CACHE_REDIS_PASSWORD || undefined,
    socket: { tls: new URL(redisUrl).protocol === 'rediss:', connectTimeout: 5000 },
  });
  client.on('error', (error) => console.warn(`shared cache (Redis): ${error.message}`));
  client.connect().catch(() => undefined); // reported by the 'error' listener

  const handler = createRedisHandler({ client, keyPrefix: KEY_PREFIX, timeoutMs: 1000 });
  CacheHandler.onCreation(() => ({ handlers: [handler] }));
  return CacheHandler;
}

module.exports = shared
  ? sharedCacheHandler()
  // The class Next itself uses when no cache handler is configured.
  : require('next/dist/server/lib/incremental-cache/file-system-cache').default;
