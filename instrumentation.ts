/**
 * Runs once when the server process starts, before it handles a request: the proxy's token gate needs each
 * request's real client address, which only the Node server sees (lib/security/peer.ts), and what clients can
 * make the framework print goes through the redacting logger (lib/security/framework-noise.ts).
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { stampPeerAddresses } = await import('./lib/security/peer-stamping');
  const { routeFrameworkNoise } = await import('./lib/security/framework-noise');
  stampPeerAddresses();
  routeFrameworkNoise();
}
