// next.config.js: how `next build` builds the blog's server. Read at build time only: the standalone
// server carries a copy of this configuration and never reads the file again.
const path = require('node:path');

/** @type {import('next').NextConfig} */
module.exports = {
  // A self-contained server (.next/standalone/server.js) with only the modules it needs, for the image.
  output: 'standalone',
  // This folder is the whole app, also inside a larger repository (no parent lock file is the root).
  outputFileTracingRoot: __dirname,
  turbopack: { root: __dirname },
  // cache-handler.js picks the store when the server starts: the shared Redis when CACHE_REDIS_URL is
  // set, Next's own file-system cache otherwise.
  cacheHandler: path.join(__dirname, 'cache-handler.js'),
  // No in-memory copy in front of the cache: a server must never answer from a private copy of an entry
  // that another server has revalidated. (Without Redis, the file-system cache then reads its local files.)
  cacheMaxMemorySize: 0,
  // The image build passes one id per deployment: a browser still running an older build reloads
  // instead of mixing its assets with the new server's.
  deploymentId: process.env.DEPLOYMENT_ID || undefined,
};
