/**
 * No apk tool runs on this machine, so the installed database below is written by hand following
 * the field letters of the Alpine wiki's "Apk spec" (Database syntax): upper-case fields are
 * mandatory, F:/R: list directories and files, a:/M:/Z: describe the entry before them.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runCataloger } from '../testing.js';
import { apkCataloger, parseApkInstalled } from './apk-cataloger.js';

const INSTALLED = [
  'C:Q1aaaaaaaaaaaaaaaaaaaaaaaaaaaaa=',
  'P:musl',
  'V:1.2.4-r2',
  'A:x86_64',
  'S:383152',
  'I:622592',
  'T:the musl c library (libc) implementation',
  'U:https://musl.libc.org/',
  'L:MIT',
  'o:musl',
  'm:Maintainer <m@example.org>',
  't:1691596765',
  'c:0000000000000000000000000000000000000000',
  'p:so:libc.musl-x86_64.so.1=1',
  'F:lib',
  'R:ld-musl-x86_64.so.1',
  'a:0:0:755',
  'Z:Q1bbbbbbbbbbbbbbbbbbbbbbbbbbbbb=',
  'R:libc.musl-x86_64.so.1',
  'a:0:0:777',
  'Z:Q1ccccccccccccccccccccccccccccc=',
  '',
  'C:Q1ddddddddddddddddddddddddddddd=',
  'P:libcrypto3',
  'V:3.1.4-r1',
  'A:x86_64',
  'T:Crypto library from openssl',
  'L:Apache-2.0',
  'o:openssl',
  'D:so:libc.musl-x86_64.so.1',
  'F:etc',
  'F:etc/ssl',
  'R:openssl.cnf',
  'Z:Q1eeeeeeeeeeeeeeeeeeeeeeeeeeeee=',
  'F:usr/lib',
  'R:libcrypto.so.3',
  'M:0:0:755',
  '',
].join('\n');

describe('apk cataloger', () => {
  it('parses packages, origins and file lists', () => {
    const entries = parseApkInstalled(INSTALLED);
    assert.deepEqual(
      entries.map((e) => [e.name, e.version, e.architecture, e.origin, e.license]),
      [
        ['musl', '1.2.4-r2', 'x86_64', 'musl', 'MIT'],
        ['libcrypto3', '3.1.4-r1', 'x86_64', 'openssl', 'Apache-2.0'],
      ],
    );
    assert.deepEqual(entries[0]!.files, ['lib/ld-musl-x86_64.so.1', 'lib/libc.musl-x86_64.so.1']);
    assert.deepEqual(entries[1]!.files, ['etc/ssl/openssl.cnf', 'usr/lib/libcrypto.so.3']);
  });

  it('builds packages with purls and the origin as source', async () => {
    const packages = await runCataloger(apkCataloger, [{ path: 'lib/apk/db/installed', content: Buffer.from(INSTALLED) }], {
      os: { id: 'alpine', versionId: '3.18.4', family: 'alpine', source: 'etc/os-release' },
    });
    const crypto = packages.find((p) => p.name === 'libcrypto3');
    assert.equal(crypto?.purl, 'pkg:apk/alpine/libcrypto3@3.1.4-r1?arch=x86_64&distro=alpine-3.18.4');
    assert.equal(crypto?.sourceName, 'openssl');
    assert.deepEqual(crypto?.locations.map((l) => l.path), ['lib/apk/db/installed']);
    assert.equal(packages.length, 2);
  });

  it('ignores a database without packages', () => {
    assert.deepEqual(parseApkInstalled('\n\nX:garbage\n'), []);
  });
});
