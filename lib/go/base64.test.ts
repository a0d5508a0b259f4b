import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeGoBase64 } from './base64';

describe('decodeGoBase64', () => {
  it('reads what a standard encoder writes, padded or not, with line breaks anywhere', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat(), (bytes, at) => {
        const padded = Buffer.from(bytes).toString('base64');
        const withBreak = `${padded.slice(0, at % (padded.length + 1))}\r\n${padded.slice(at % (padded.length + 1))}`;
        expect(decodeGoBase64(withBreak, true)).toEqual({ ok: true, bytes: Uint8Array.from(bytes) });
        expect(decodeGoBase64(padded.replace(/=+$/, ''), false)).toEqual({ ok: true, bytes: Uint8Array.from(bytes) });
      }),
    );
  });

  // The offsets encoding/base64's CorruptInputError reports for the same input (decodeQuantum).
  it.each([
    ['pants', false, 4],
    ['Zm9vOmJhcg== ', true, 12],
    ['Zm9vOmJhcg=', true, 11],
    ['Zm9vOmJhcg=x', true, 10],
    ['Zm9v=', true, 4],
    ['Zm9vOmJhcg==', false, 10],
    ['Zm9v!', true, 4],
    ['Zm9vOmJ', true, 4],
    ['Zm9vé', true, 4],
  ])('reports %j (padded: %s) as corrupt at byte %i', (input, padded, offset) => {
    expect(decodeGoBase64(input, padded)).toEqual({ ok: false, corruptAt: offset });
  });
});
