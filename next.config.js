/** @type {import('next').NextConfig} */
const nextConfig = {
  // client-node is ESM with optional native bits; bundling it breaks its dynamic requires.
  serverExternalPackages: ['@kubernetes/client-node'],
  poweredByHeader: false,
  reactStrictMode: true,
};

module.exports = nextConfig;
