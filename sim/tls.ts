import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import type { ServingCertificate } from './contracts';

/**
 * A fresh CA and a serving certificate it signs, for the simulated API server on loopback.
 *
 * Both kubectl (Go) and client-node (OpenSSL) refuse CN-only certificates, so the leaf carries the SANs
 * IP:127.0.0.1 and DNS:localhost. The certificates are built by hand in DER with P-256 keys: Node generates
 * those in a millisecond, synchronously, where an RSA key or the async `selfsigned` package would not.
 */
export function generateServingCertificate(): ServingCertificate {
  const now = Date.now();
  const validity = { notBefore: new Date(now - 60 * 60 * 1000), notAfter: new Date(now + 365 * 24 * 60 * 60 * 1000) };

  const ca = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const caName = distinguishedName('pullfix-sim-ca');
  const caDer = signCertificate({
    subject: caName,
    issuer: caName,
    subjectKey: ca.publicKey,
    issuerKey: ca.privateKey,
    validity,
    extensions: [basicConstraints(true), keyUsage(KEY_USAGE.digitalSignature | KEY_USAGE.keyCertSign | KEY_USAGE.cRLSign)],
  });

  const leaf = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const leafDer = signCertificate({
    subject: distinguishedName('pullfix-sim-apiserver'),
    issuer: caName,
    subjectKey: leaf.publicKey,
    issuerKey: ca.privateKey,
    validity,
    extensions: [
      basicConstraints(false),
      keyUsage(KEY_USAGE.digitalSignature),
      extendedKeyUsageServerAuth(),
      subjectAltNames({ dns: ['localhost'], ips: ['127.0.0.1'] }),
    ],
  });

  return {
    caPem: toPem('CERTIFICATE', caDer),
    certPem: toPem('CERTIFICATE', leafDer),
    keyPem: leaf.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

interface CertificateRequest {
  subject: Buffer;
  issuer: Buffer;
  subjectKey: KeyObject;
  issuerKey: KeyObject;
  validity: { notBefore: Date; notAfter: Date };
  extensions: Buffer[];
}

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  serverAuth: '1.3.6.1.5.5.7.3.1',
};

// Bit n of the KeyUsage BIT STRING, counted from the most significant bit of the first byte (RFC 5280 4.2.1.3).
const KEY_USAGE = { digitalSignature: 1 << 0, keyCertSign: 1 << 5, cRLSign: 1 << 6 };

function signCertificate(request: CertificateRequest): Buffer {
  const signatureAlgorithm = sequence(objectIdentifier(OID.ecdsaWithSha256));
  const tbs = sequence(
    tlv(0xa0, integer(Buffer.from([2]))),
    integer(serialNumber()),
    signatureAlgorithm,
    request.issuer,
    sequence(utcTime(request.validity.notBefore), utcTime(request.validity.notAfter)),
    request.subject,
    request.subjectKey.export({ type: 'spki', format: 'der' }),
    tlv(0xa3, sequence(...request.extensions)),
  );
  const signature = sign('sha256', tbs, request.issuerKey);
  return sequence(tbs, signatureAlgorithm, bitString(signature));
}

function distinguishedName(commonName: string): Buffer {
  return sequence(set(sequence(objectIdentifier(OID.commonName), tlv(0x0c, Buffer.from(commonName, 'utf8')))));
}

function basicConstraints(isCa: boolean): Buffer {
  return extension(OID.basicConstraints, true, isCa ? sequence(tlv(0x01, Buffer.from([0xff]))) : sequence());
}

function keyUsage(bits: number): Buffer {
  let firstByte = 0;
  let lowestBit = 0;
  for (let bit = 0; bit < 8; bit += 1) {
    if (bits & (1 << bit)) {
      firstByte |= 0x80 >> bit;
      lowestBit = bit;
    }
  }
  return extension(OID.keyUsage, true, tlv(0x03, Buffer.from([7 - lowestBit, firstByte])));
}

function extendedKeyUsageServerAuth(): Buffer {
  return extension(OID.extKeyUsage, false, sequence(objectIdentifier(OID.serverAuth)));
}

function subjectAltNames(names: { dns: string[]; ips: string[] }): Buffer {
  const entries = [
    ...names.dns.map((name) => tlv(0x82, Buffer.from(name, 'ascii'))),
    ...names.ips.map((ip) => tlv(0x87, Buffer.from(ip.split('.').map(Number)))),
  ];
  return extension(OID.subjectAltName, false, sequence(...entries));
}

function extension(oid: string, critical: boolean, value: Buffer): Buffer {
  const parts = [objectIdentifier(oid)];
  if (critical) parts.push(tlv(0x01, Buffer.from([0xff])));
  parts.push(tlv(0x04, value));
  return sequence(...parts);
}

function serialNumber(): Buffer {
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x10;
  return serial;
}

function utcTime(date: Date): Buffer {
  const text = date.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
  return tlv(0x17, Buffer.from(text, 'ascii'));
}

function integer(bytes: Buffer): Buffer {
  return tlv(0x02, bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

function bitString(bytes: Buffer): Buffer {
  return tlv(0x03, Buffer.concat([Buffer.from([0]), bytes]));
}

function objectIdentifier(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split('.').map(Number);
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const base128 = [arc & 0x7f];
    for (let value = Math.floor(arc / 128); value > 0; value = Math.floor(value / 128)) base128.unshift((value & 0x7f) | 0x80);
    bytes.push(...base128);
  }
  return tlv(0x06, Buffer.from(bytes));
}

function sequence(...items: Buffer[]): Buffer {
  return tlv(0x30, Buffer.concat(items));
}

function set(...items: Buffer[]): Buffer {
  return tlv(0x31, Buffer.concat(items));
}

function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), derLength(content.length), content]);
}

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let value = length; value > 0; value = Math.floor(value / 256)) bytes.unshift(value & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function toPem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
