import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { globToRegExp, matchesGlob } from './path-glob.js';

// Reference: Node's own path.matchesGlob (minimatch semantics), experimental in Node 20 but present
// since 20.17. Our globs differ from it in one documented way only: `*` matches names starting with a
// dot. The table therefore uses no dot-led segments; dot handling is asserted separately below.
// Node's matchesGlob also reads a backslash as a path separator, so escapes are tested apart too.
const reference = (path as unknown as { matchesGlob?: (p: string, g: string) => boolean }).matchesGlob;

const GLOBS = [
  'app/node_modules/**',
  '**/node_modules/**',
  '**/*.js',
  'usr/lib/**/site-packages/*',
  'usr/*/python3*/**',
  'test/fixtures/**',
  'a/**/b',
  'a/*/b',
  'a?c/*',
  'a[bc]d/x',
  'a[!bc]d/x',
  'a[a-c]d/x',
  'lib/{x86_64,aarch64}-linux-gnu/*.so*',
  'opt/app/lib/*.jar',
  'etc/ssl/certs/*.pem',
  '*',
  '**',
  'a**',
];

const PATHS = [
  'app/node_modules',
  'app/node_modules/lodash/package.json',
  'app/node_modules/a/node_modules/b/index.js',
  'srv/app/node_modules/x',
  'index.js',
  'src/lib/index.js',
  'usr/lib/python3/site-packages/six.py',
  'usr/lib/python3/dist/site-packages/six.py',
  'usr/lib/python3.11/x',
  'usr/lib/python3.11',
  'test/fixtures/keys/aws.txt',
  'test/fixture/aws.txt',
  'a/b',
  'a/x/b',
  'a/x/y/b',
  'a/x/y/c',
  'abc/q',
  'a/c/q',
  'abd/x',
  'acd/x',
  'add/x',
  'a/d/x',
  'lib/x86_64-linux-gnu/libssl.so.3',
  'lib/aarch64-linux-gnu/libc.so.6',
  'lib/arm-linux-gnueabihf/libc.so.6',
  'opt/app/lib/log4j-core-2.14.1.jar',
  'opt/app/lib/nested/x.jar',
  'etc/ssl/certs/ca.pem',
  'x',
  'ab',
  'a/b/c',
  'x/a*b',
  'x/axb',
];

describe('path globs', () => {
  it('agree with Node path.matchesGlob (minimatch) on paths without dot-led names', () => {
    assert.ok(reference, 'path.matchesGlob is missing: Node >= 20.17 is needed as the reference for glob tests');
    const disagreements: string[] = [];
    for (const glob of GLOBS) {
      const re = globToRegExp(glob);
      for (const p of PATHS) {
        const ours = matchesGlob(p, re);
        const theirs = reference(p, glob);
        if (ours !== theirs) disagreements.push(`${glob} vs ${p}: ours ${ours}, node ${theirs}`);
      }
    }
    assert.deepEqual(disagreements, []);
  });

  it('matches dot-led names with * and ** (a finding under root/.npm must be ignorable)', () => {
    assert.equal(matchesGlob('root/.npm/_cacache/index', 'root/**'), true);
    assert.equal(matchesGlob('.env', '*'), true);
    assert.equal(matchesGlob('app/.git/config', 'app/*/config'), true);
  });

  it('drops a leading slash or ./ from globs and paths, and never lets * cross a slash', () => {
    assert.equal(matchesGlob('app/x.js', '/app/*.js'), true);
    assert.equal(matchesGlob('/app/x.js', './app/*.js'), true);
    assert.equal(matchesGlob('app/sub/x.js', 'app/*.js'), false);
    assert.equal(matchesGlob('a/b', 'a[/]b'), false);
  });

  it('refuses malformed and oversized globs', () => {
    assert.throws(() => globToRegExp('a{b,c'), /unclosed/);
    assert.throws(() => globToRegExp('a{b,{c}}'), /nested/);
    assert.throws(() => globToRegExp('a\\'), /ends with/);
    assert.throws(() => globToRegExp('/'), /empty/);
    assert.throws(() => globToRegExp('a'.repeat(2000)), /longer than/);
  });

  it('reads \\x as the character x', () => {
    assert.equal(matchesGlob('x/a*b', 'x/a\\*b'), true);
    assert.equal(matchesGlob('x/axb', 'x/a\\*b'), false);
  });

  it('treats regular-expression characters literally', () => {
    assert.equal(matchesGlob('a+b/(x)|y$.txt', 'a+b/(x)|y$.txt'), true);
    assert.equal(matchesGlob('aab/(x)|y$.txt', 'a+b/(x)|y$.txt'), false);
  });
});
