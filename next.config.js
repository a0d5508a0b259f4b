/** @type {import('next').NextConfig} */
const nextConfig = {
  // client-node is ESM with optional native bits; bundling it breaks its dynamic requires.
  serverExternalPackages: ['@kubernetes/client-node'],
  // The container image (deploy/Dockerfile) runs Next's self-contained server; `next start` serves the rest.
  output: process.env.PULLFIX_STANDALONE === '1' ? 'standalone' : undefined,
  poweredByHeader: false,
  reactStrictMode: true,
};

module.exports = nextConfig;
