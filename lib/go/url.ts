// Go's net/url.Parse, for URLs that start with http:// or https:// (the only ones the kubelet's keyring builds),
// and net.SplitHostPort. Strings here are byte strings (see bytes.ts), as Go strings are.
import { fromByteString } from './bytes';
import { goQuote } from './strconv';

export type UrlParse = { ok: true; host: string; path: string } | { ok: false; error: string };
type EscapeMode = 'host' | 'zone' | 'path' | 'fragment' | 'userinfo';

export function parseHttpUrl(raw: string): UrlParse {
  const hash = raw.indexOf('#');
  const beforeFragment = hash < 0 ? raw : raw.slice(0, hash);
  if (/[\x00-\x1f\x7f]/.test(beforeFragment)) return { ok: false, error: 'net/url: invalid control character in URL' };
  const afterScheme = beforeFragment.slice(beforeFragment.indexOf(':') + 1);
  const query = afterScheme.indexOf('?');
  const rest = (query < 0 ? afterScheme : afterScheme.slice(0, query)).slice(2);
  const slash = rest.indexOf('/');
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  const host = parseAuthority(authority);
  if (!host.ok) return host;
  const path = unescape(slash < 0 ? '' : rest.slice(slash), 'path');
  if (!path.ok) return path;
  if (hash >= 0) {
    const fragment = unescape(raw.slice(hash + 1), 'fragment');
    if (!fragment.ok) return fragment;
  }
  return { ok: true, host: host.value, path: path.value };
}

type Parsed = { ok: true; value: string } | { ok: false; error: string };

function parseAuthority(authority: string): Parsed {
  const at = authority.lastIndexOf('@');
  const host = parseHost(at < 0 ? authority : authority.slice(at + 1));
  if (!host.ok || at < 0) return host;
  const userinfo = authority.slice(0, at);
  if (!/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(userinfo)) return { ok: false, error: 'net/url: invalid userinfo' };
  const colon = userinfo.indexOf(':');
  const parts = colon < 0 ? [userinfo] : [userinfo.slice(0, colon), userinfo.slice(colon + 1)];
  for (const part of parts) {
    const unescaped = unescape(part, 'userinfo');
    if (!unescaped.ok) return unescaped;
  }
  return host;
}

/**
 * parseHost as Go has it since its 2025 security fixes: brackets only around a whole IPv6 literal
 * (so a `[...]` glob class in a host makes the key unparsable), and for http(s) everything from the
 * first colon on must be a numeric port.
 */
function parseHost(host: string): Parsed {
  const open = host.lastIndexOf('[');
  if (open > 0) return { ok: false, error: 'invalid IP-literal' };
  if (open === 0) {
    const close = host.lastIndexOf(']');
    if (close < 0) return { ok: false, error: "missing ']' in host" };
    const colonPort = host.slice(close + 1);
    if (!isOptionalPort(colonPort)) return { ok: false, error: `invalid port ${goQuoteBytes(colonPort)} after host` };
    const hostname = host.slice(1, close);
    const zone = hostname.indexOf('%25');
    const address =
      zone < 0
        ? unescape(hostname, 'host')
        : joinParsed(unescape(hostname.slice(0, zone), 'host'), unescape(hostname.slice(zone), 'zone'));
    if (!address.ok) return address;
    const kind = ipAddressKind(address.value);
    if (kind === null) return { ok: false, error: `invalid host: ${goQuoteBytes(address.value)} is not an IP address` };
    if (kind === 4) return { ok: false, error: 'invalid IP-literal' };
    return { ok: true, value: `[${address.value}]${colonPort}` };
  }
  const colon = host.indexOf(':');
  if (colon >= 0 && !isOptionalPort(host.slice(colon))) {
    return { ok: false, error: `invalid port ${goQuoteBytes(host.slice(colon))} after host` };
  }
  return unescape(host, 'host');
}

function joinParsed(a: Parsed, b: Parsed): Parsed {
  if (!a.ok) return a;
  if (!b.ok) return b;
  return { ok: true, value: a.value + b.value };
}

function isOptionalPort(colonPort: string): boolean {
  return /^(:[0-9]*)?$/.test(colonPort);
}

/** url.unescape: validates %-escapes (and, in hosts, the characters) and decodes them to bytes. */
function unescape(text: string, mode: EscapeMode): Parsed {
  let out = '';
  for (let i = 0; i < text.length; ) {
    const c = text[i] as string;
    if (c === '%') {
      const hex = text.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return { ok: false, error: `invalid URL escape ${goQuoteBytes(text.slice(i, i + 3))}` };
      const byte = parseInt(hex, 16);
      // Hosts may %-encode only non-ASCII bytes (RFC 3986), except %25 before an IPv6 zone (RFC 6874).
      const badHostEscape = mode === 'host' && byte < 0x80 && hex !== '25';
      const badZoneEscape = mode === 'zone' && hex !== '25' && byte !== 0x20 && isHostByteEscaped(byte);
      if (badHostEscape || badZoneEscape) return { ok: false, error: `invalid URL escape ${goQuoteBytes(text.slice(i, i + 3))}` };
      out += String.fromCharCode(byte);
      i += 3;
      continue;
    }
    if ((mode === 'host' || mode === 'zone') && c.charCodeAt(0) < 0x80 && isHostByteEscaped(c.charCodeAt(0))) {
      return { ok: false, error: `invalid character ${goQuoteBytes(c)} in host name` };
    }
    out += c;
    i++;
  }
  return { ok: true, value: out };
}

/** shouldEscape(c, encodeHost) for ASCII bytes. */
function isHostByteEscaped(byte: number): boolean {
  return !/[A-Za-z0-9\-_.~!$&'()*+,;=:[\]<>"]/.test(String.fromCharCode(byte));
}

/** netip.ParseAddr, reduced to the kind of address: 4, 6, or null when it does not parse. */
function ipAddressKind(text: string): 4 | 6 | null {
  const first = text.search(/[.:%]/);
  if (first < 0 || text[first] === '%') return null;
  if (text[first] === '.') return isIPv4(text) ? 4 : null;
  return isIPv6(text) ? 6 : null;
}

/** Four decimal fields of at most 255, no leading zeros. */
function isIPv4(text: string): boolean {
  const fields = text.split('.');
  return fields.length === 4 && fields.every((f) => /^(0|[1-9][0-9]{0,2})$/.test(f) && Number(f) <= 255);
}

/** netip's parseIPv6: hex groups, at most one "::" standing for at least one zero group, an optional IPv4 tail and %zone. */
function isIPv6(text: string): boolean {
  const percent = text.indexOf('%');
  if (percent >= 0 && percent === text.length - 1) return false;
  const address = percent < 0 ? text : text.slice(0, percent);
  const halves = address.split('::');
  if (halves.length > 2) return false;
  const groupsIn = (half: string, isLast: boolean): number | null => {
    if (half === '') return 0;
    const groups = half.split(':');
    let count = 0;
    for (const [i, group] of groups.entries()) {
      if (isLast && i === groups.length - 1 && group.includes('.')) {
        if (!isIPv4(group)) return null;
        count += 2;
      } else if (/^[0-9A-Fa-f]{1,4}$/.test(group)) count += 1;
      else return null;
    }
    return count;
  };
  const head = groupsIn(halves[0] ?? '', halves.length === 1);
  const tail = halves.length === 2 ? groupsIn(halves[1] ?? '', true) : 0;
  if (head === null || tail === null) return false;
  return halves.length === 2 ? head + tail < 8 : head === 8;
}

/** net.SplitHostPort; null where it fails (no port, stray brackets or colons). */
export function splitHostPort(hostport: string): [string, string] | null {
  const colon = hostport.lastIndexOf(':');
  if (colon < 0) return null;
  let host: string;
  let [from, to] = [0, 0];
  if (hostport[0] === '[') {
    const end = hostport.indexOf(']');
    if (end < 0 || end + 1 !== colon) return null;
    host = hostport.slice(1, end);
    [from, to] = [1, end + 1];
  } else {
    host = hostport.slice(0, colon);
    if (host.includes(':')) return null;
  }
  if (hostport.slice(from).includes('[') || hostport.slice(to).includes(']')) return null;
  return [host, hostport.slice(colon + 1)];
}

/** A byte string quoted as Go's %q quotes it. */
export function goQuoteBytes(bytes: string): string {
  return goQuote(fromByteString(bytes));
}
