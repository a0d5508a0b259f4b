/** @type {import('next').NextConfig} */
const nextConfig = {
  // client-node is ESM with optional native bits; bundling it breaks its dynamic requires.
  serverExternalPackages: ['@kubernetes/client-node'],
  // The container image (deploy/Dockerfile) runs Next's self-contained server; `next start` serves the rest.
  output: process.env.PULLFIX_STANDALONE === '1' ? 'standalone' : undefined,
  poweredByHeader: false,
  reactStrictMode: true,
  experimental: {
    // Next keeps a copy of each request body for the route handlers while the proxy reads its own (10 MB by
    // default). The proxy refuses anything over 64 KiB (lib/security/bounded-body.ts), so the copy needs only
    // that plus one socket read (64 KiB) for the proxy to see the overflow.
    proxyClientMaxBodySize: 192 * 1024,
  },
};

module.exports = nextConfig;
