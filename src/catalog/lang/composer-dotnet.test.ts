import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { composerCataloger } from './composer.js';
import { dotnetCataloger } from './dotnet.js';
import { languageCatalogers } from './index.js';
import { catalogFiles } from './testing/catalog-dir.js';

// Neither composer nor the .NET SDK is available offline here: these samples follow the documented
// layouts (Composer docs "composer.lock", Composer 2 installed.json; dotnet runtime deps.json).

describe('composer', () => {
  it('reads Composer 1 and Composer 2 installed.json and composer.lock', async () => {
    const entry = (name: string, version: string) => ({ name, version, version_normalized: `${version}.0`, type: 'library', license: ['MIT'], description: `${name} package` });
    const { packages, warnings } = await catalogFiles(composerCataloger, {
      'var/www/a/vendor/composer/installed.json': JSON.stringify([entry('monolog/monolog', '1.27.1')]),
      'var/www/b/vendor/composer/installed.json': JSON.stringify({ packages: [entry('psr/log', '3.0.0'), entry('phpunit/phpunit', '10.0.0')], dev: true, 'dev-package-names': ['phpunit/phpunit'] }),
      'var/www/b/composer.lock': JSON.stringify({ 'content-hash': 'x', packages: [entry('psr/log', '3.0.0')], 'packages-dev': [entry('phpunit/phpunit', '10.0.0')] }),
      'var/www/c/composer.lock': '{"packages": [',
    });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /^malformed JSON/);
    assert.deepEqual(packages.map((p) => [p.locations[0]!.path, p.purl, p.cataloger, p.licenses, p.metadata?.dev]), [
      ['var/www/a/vendor/composer/installed.json', 'pkg:composer/monolog/monolog@1.27.1', 'composer', ['MIT'], undefined],
      ['var/www/b/vendor/composer/installed.json', 'pkg:composer/psr/log@3.0.0', 'composer', ['MIT'], undefined],
      ['var/www/b/vendor/composer/installed.json', 'pkg:composer/phpunit/phpunit@10.0.0', 'composer', ['MIT'], 'true'],
      ['var/www/b/composer.lock', 'pkg:composer/psr/log@3.0.0', 'composer-lockfile', ['MIT'], undefined],
      ['var/www/b/composer.lock', 'pkg:composer/phpunit/phpunit@10.0.0', 'composer-lockfile', ['MIT'], 'true'],
    ]);
  });
});

describe('dotnet', () => {
  it('reads package libraries of a deps.json, with the nupkg sha512', async () => {
    const digest = createHash('sha512').update('nupkg bytes').digest();
    const deps = {
      runtimeTarget: { name: '.NETCoreApp,Version=v8.0', signature: '' },
      targets: { '.NETCoreApp,Version=v8.0': { 'App/1.0.0': { dependencies: { 'Newtonsoft.Json': '13.0.3' } } } },
      libraries: {
        'App/1.0.0': { type: 'project', serviceable: false, sha512: '' },
        'Newtonsoft.Json/13.0.3': { type: 'package', serviceable: true, sha512: `sha512-${digest.toString('base64')}`, path: 'newtonsoft.json/13.0.3', hashPath: 'newtonsoft.json.13.0.3.nupkg.sha512' },
        'System.Text.Json/8.0.0': { type: 'package', serviceable: true, sha512: 'sha512-bad' },
      },
    };
    const { packages } = await catalogFiles(dotnetCataloger, { 'app/App.deps.json': JSON.stringify(deps) });
    assert.deepEqual(packages.map((p) => [p.name, p.version, p.purl, p.hashes]), [
      ['Newtonsoft.Json', '13.0.3', 'pkg:nuget/Newtonsoft.Json@13.0.3', { 'SHA-512': digest.toString('hex') }],
      ['System.Text.Json', '8.0.0', 'pkg:nuget/System.Text.Json@8.0.0', undefined],
    ]);
  });
});

describe('languageCatalogers', () => {
  it('has unique cataloger and analyser names, and analysers that ignore unrelated files', () => {
    const names = languageCatalogers.map((c) => c.name);
    assert.deepEqual(names, ['npm', 'python', 'gem', 'composer', 'dotnet']);
    const analyzers = languageCatalogers.flatMap((c) => c.analyzers.map((a) => a.name));
    assert.equal(new Set(analyzers).size, analyzers.length);
    const header = { size: 10, mode: 0o644 };
    for (const path of ['usr/bin/ls', 'etc/passwd', 'app/package.json', 'usr/share/doc/x/README', 'app/src/index.js']) {
      for (const c of languageCatalogers) for (const a of c.analyzers) assert.equal(a.wants(path, header), false, `${a.name} ${path}`);
    }
  });
});
