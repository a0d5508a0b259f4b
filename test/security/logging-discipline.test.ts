import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './demo-app';

/**
 * Server code writes logs only through lib/log.ts, which redacts (issue 7). Client components may not log at
 * all: the browser console is no place for cluster data either.
 */
const SOURCE_DIRECTORIES = ['app', 'lib', 'components'];
const ALLOWED = new Set(['lib/log.ts']);

function sources(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

describe('logging discipline', () => {
  it('no app, lib or component module writes to the console or stdout except lib/log.ts', () => {
    const offenders = SOURCE_DIRECTORIES.flatMap((directory) => sources(join(ROOT, directory)))
      .map((file) => relative(ROOT, file))
      .filter((file) => !ALLOWED.has(file))
      .flatMap((file) =>
        readFileSync(join(ROOT, file), 'utf8')
          .split('\n')
          .flatMap((line, index) => (/\bconsole\.\w+\(|process\.(stdout|stderr)\.write\(/.test(line) ? [`${file}:${index + 1}: ${line.trim()}`] : [])),
      );
    expect(offenders).toEqual([]);
  });
});
