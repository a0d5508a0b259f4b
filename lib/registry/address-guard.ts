import 'server-only';
import type { LookupAddress } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { RegistryError } from './errors';

/**
 * Keeps the registry client from being aimed at the machine's own cloud metadata service or other link-local
 * targets: a registry check takes a host from user input, and those addresses hand out cloud credentials to
 * whoever asks. Loopback stays allowed: the simulator and the tests live there, and it is where a person
 * running pullfix already is.
 */
export function forbiddenTarget(hostname: string): string | null {
  const bare = hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
  if (METADATA_NAMES.has(bare)) return `${bare} is a cloud metadata service`;
  if (isIP(bare) !== 0) return forbiddenAddress(bare);
  return null;
}

/** Why an IP address may not be contacted, or null when it may. */
export function forbiddenAddress(address: string): string | null {
  const family = isIP(address);
  if (family === 4) return forbiddenIPv4(address);
  if (family === 6) return forbiddenIPv6(address);
  return null;
}

/**
 * Refuses a host by name, literal address or what it resolves to, before any connection is made. DNS failures
 * are not refusals: the request that follows reports them in its own words.
 */
export async function assertAllowedTarget(hostname: string): Promise<void> {
  const direct = forbiddenTarget(hostname);
  if (direct !== null) throw refusal(hostname, direct);
  const bare = hostname.replace(/^\[|\]$/g, '');
  if (isIP(bare) !== 0 || /(^|\.)invalid\.?$/i.test(bare)) return;
  let addresses: LookupAddress[];
  try {
    addresses = await dnsLookup(bare, { all: true });
  } catch {
    return;
  }
  for (const { address } of addresses) {
    const reason = forbiddenAddress(address);
    if (reason !== null) throw refusal(hostname, `it resolves to ${address}, ${reason}`);
  }
}

export function refusal(hostname: string, reason: string): RegistryError {
  return new RegistryError(
    'forbidden-address',
    'network',
    `pullfix does not contact ${hostname}: ${reason}. Registry checks never go to link-local or cloud metadata addresses.`,
  );
}

const METADATA_NAMES = new Set([
  'metadata.google.internal',
  'metadata.goog',
  'metadata',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.azure.com',
  'metadata.tencentyun.com',
]);

function forbiddenIPv4(address: string): string | null {
  const [a = 0, b = 0] = address.split('.').map(Number);
  if (a === 169 && b === 254) return 'a link-local address (169.254.0.0/16, where cloud metadata services live)';
  if (address === '100.100.100.200') return 'the Alibaba Cloud metadata address';
  if (a === 0) return 'not a destination address (0.0.0.0/8)';
  if (a >= 224) return 'a multicast or reserved address';
  return null;
}

function forbiddenIPv6(address: string): string | null {
  const words = ipv6Words(address);
  if (words === null) return 'not a valid IPv6 address';
  const [first = 0] = words;
  if ((first & 0xffc0) === 0xfe80) return 'a link-local address (fe80::/10)';
  if (words.every((word, index) => word === [0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x0254][index])) return 'the AWS metadata address';
  if ((first & 0xff00) === 0xff00) return 'a multicast address';
  if (words.every((word) => word === 0)) return 'not a destination address (::)';
  for (const { form, v4 } of embeddedIPv4(words)) {
    const reason = forbiddenIPv4(v4);
    if (reason !== null) return `${v4} embedded as ${form}: ${reason}`;
  }
  return null;
}

/**
 * The IPv4 addresses an IPv6 address carries, in every form a resolver or a NAT can hand back, so that
 * 169.254.169.254 cannot be reached as `64:ff9b::a9fe:a9fe` or `::a9fe:a9fe`: IPv4-mapped, IPv4-translated
 * and IPv4-compatible (RFC 4291, RFC 2765), NAT64 well-known and local-use prefixes (RFC 6052, RFC 8215, as
 * /96), 6to4 (RFC 3056), Teredo's client and server (RFC 4380) and ISATAP interface identifiers (RFC 5214).
 */
function embeddedIPv4(words: number[]): { form: string; v4: string }[] {
  const [w0 = 0, w1 = 0, w2 = 0, w3 = 0, w4 = 0, w5 = 0, w6 = 0, w7 = 0] = words;
  const zeros = (from: number, to: number) => words.slice(from, to).every((word) => word === 0);
  const found: { form: string; v4: string }[] = [];
  if (zeros(0, 5) && w5 === 0xffff) found.push({ form: 'IPv4-mapped', v4: dotted(w6, w7) });
  if (zeros(0, 4) && w4 === 0xffff && w5 === 0) found.push({ form: 'IPv4-translated', v4: dotted(w6, w7) });
  // ::/96 with a zero high word is ::1, ::, and the like: those are IPv6 addresses, not embeddings.
  if (zeros(0, 6) && w6 !== 0) found.push({ form: 'IPv4-compatible', v4: dotted(w6, w7) });
  if (w0 === 0x64 && w1 === 0xff9b && (w2 === 0 || w2 === 1)) found.push({ form: 'NAT64', v4: dotted(w6, w7) });
  if (w0 === 0x2002) found.push({ form: '6to4', v4: dotted(w1, w2) });
  if (w0 === 0x2001 && w1 === 0) {
    found.push({ form: 'the Teredo server', v4: dotted(w2, w3) });
    found.push({ form: 'the Teredo client', v4: dotted(w6 ^ 0xffff, w7 ^ 0xffff) });
  }
  if ((w4 & 0xfdff) === 0 && w5 === 0x5efe) found.push({ form: 'ISATAP', v4: dotted(w6, w7) });
  return found;
}

function dotted(high: number, low: number): string {
  return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
}

/** The eight 16-bit words of an IPv6 address, an embedded dotted IPv4 tail and `::` included. */
function ipv6Words(address: string): number[] | null {
  let text = address.toLowerCase().replace(/%.*$/, '');
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [, a = '0', b = '0', c = '0', d = '0'] = v4;
    const high = ((Number(a) << 8) | Number(b)).toString(16);
    const low = ((Number(c) << 8) | Number(d)).toString(16);
    text = `${text.slice(0, v4.index)}${high}:${low}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parse = (part: string | undefined) => (part === undefined || part === '' ? [] : part.split(':').map((word) => parseInt(word, 16)));
  const head = parse(halves[0]);
  const tail = parse(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 0) return null;
  const words = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  return words.every((word) => Number.isInteger(word) && word >= 0 && word <= 0xffff) ? words : null;
}
