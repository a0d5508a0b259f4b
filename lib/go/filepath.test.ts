import { describe, expect, it } from 'vitest';
import { filepathMatch } from './filepath';

describe('filepathMatch (golang/go src/path/filepath/match_test.go matchTests)', () => {
  const bad = 'bad pattern';
  const cases: Array<[string, string, boolean | typeof bad]> = [
    ['abc', 'abc', true],
    ['*', 'abc', true],
    ['*c', 'abc', true],
    ['a*', 'a', true],
    ['a*', 'abc', true],
    ['a*', 'ab/c', false],
    ['a*/b', 'abc/b', true],
    ['a*/b', 'a/c/b', false],
    ['a*b*c*d*e*/f', 'axbxcxdxe/f', true],
    ['a*b*c*d*e*/f', 'axbxcxdxexxx/f', true],
    ['a*b*c*d*e*/f', 'axbxcxdxe/xxx/f', false],
    ['a*b*c*d*e*/f', 'axbxcxdxexxx/fff', false],
    ['a*b?c*x', 'abxbbxdbxebxczzx', true],
    ['a*b?c*x', 'abxbbxdbxebxczzy', false],
    ['ab[c]', 'abc', true],
    ['ab[b-d]', 'abc', true],
    ['ab[e-g]', 'abc', false],
    ['ab[^c]', 'abc', false],
    ['ab[^b-d]', 'abc', false],
    ['ab[^e-g]', 'abc', true],
    ['a\\*b', 'a*b', true],
    ['a\\*b', 'ab', false],
    ['a?b', 'a☺b', true],
    ['a[^a]b', 'a☺b', true],
    ['a???b', 'a☺b', false],
    ['a[^a][^a][^a]b', 'a☺b', false],
    ['[a-ζ]*', 'α', true],
    ['*[a-ζ]', 'A', false],
    ['a?b', 'a/b', false],
    ['a*b', 'a/b', false],
    ['[\\]a]', ']', true],
    ['[\\-]', '-', true],
    ['[x\\-]', 'x', true],
    ['[x\\-]', '-', true],
    ['[x\\-]', 'z', false],
    ['[\\-x]', 'x', true],
    ['[\\-x]', '-', true],
    ['[\\-x]', 'a', false],
    ['[]a]', ']', bad],
    ['[-]', '-', bad],
    ['[x-]', 'x', bad],
    ['[x-]', '-', bad],
    ['[x-]', 'z', bad],
    ['[-x]', 'x', bad],
    ['[-x]', '-', bad],
    ['[-x]', 'a', bad],
    ['\\', 'a', bad],
    ['[a-b-c]', 'a', bad],
    ['[', 'a', bad],
    ['[^', 'a', bad],
    ['[^bc', 'a', bad],
    ['a[', 'a', bad],
    ['a[', 'ab', bad],
    ['a[', 'x', bad],
    ['a/b[', 'x', bad],
    ['*x', 'xxx', true],
  ];

  it.each(cases)('Match(%j, %j) = %s', (pattern, name, expected) => {
    if (expected === bad) expect(() => filepathMatch(pattern, name)).toThrow('syntax error in pattern');
    else expect(filepathMatch(pattern, name)).toBe(expected);
  });
});
