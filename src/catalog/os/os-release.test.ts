/**
 * os-release parsing checked against the shell (os-release(5) is shell-compatible: whatever `sh`
 * reads from a file is what the file says), on this machine's own files and on harder variations.
 * Other distributions' os-release texts are short public facts written here as they ship.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runAnalyzers, type TestFile } from './testing.js';
import { detectOs, osReleaseAnalyzer } from './os-release.js';
import { parseShellAssignments } from './os-release-parse.js';

/** What `sh` sees after sourcing the file in an empty environment. */
function shellView(text: string): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-osr-'));
  try {
    writeFileSync(join(dir, 'os-release'), text);
    const out = execFileSync('env', ['-i', 'sh', '-c', 'set -a; . "$1"; env -0', 'sh', join(dir, 'os-release')], { encoding: 'utf8' });
    const view: Record<string, string> = {};
    for (const pair of out.split('\0')) {
      const eq = pair.indexOf('=');
      if (eq > 0 && !['PWD', 'SHLVL', '_', 'OLDPWD'].includes(pair.slice(0, eq))) view[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    return view;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function detect(files: TestFile[]) {
  return detectOs(await runAnalyzers([osReleaseAnalyzer], files));
}
const file = (path: string, text: string): TestFile => ({ path, content: Buffer.from(text) });

describe('os-release', () => {
  for (const host of ['/etc/os-release', '/usr/lib/os-release']) {
    it(`parses ${host} of this machine as sh does`, { skip: !existsSync(host) && 'absent' }, () => {
      const text = readFileSync(host, 'utf8');
      assert.deepEqual(parseShellAssignments(text), shellView(text));
    });
  }

  it('follows shell quoting and escapes', () => {
    const text = [
      '# a comment',
      'NAME="Quoted \\"name\\" with \\$dollar and \\\\ backslash"',
      "PRETTY_NAME='single $quoted \\n'",
      'ID=plain\\ escaped',
      'VERSION="mixed"\'parts\'and',
      'EMPTY=',
      '',
      'ID_LIKE="debian ubuntu"',
    ].join('\n');
    assert.deepEqual(parseShellAssignments(text), shellView(text));
  });

  it('derives the distribution from this machine', { skip: !existsSync('/usr/lib/os-release') && 'absent' }, async () => {
    const fields = shellView(readFileSync('/usr/lib/os-release', 'utf8'));
    const os = await detect([file('usr/lib/os-release', readFileSync('/usr/lib/os-release', 'utf8'))]);
    assert.equal(os?.id, fields.ID);
    assert.equal(os?.versionId, fields.VERSION_ID);
    assert.equal(os?.prettyName, fields.PRETTY_NAME);
    assert.equal(os?.source, 'usr/lib/os-release');
  });

  it('prefers etc/os-release over usr/lib/os-release and fallbacks', async () => {
    const os = await detect([
      file('usr/lib/os-release', 'ID=debian\nVERSION_ID="11"\n'),
      file('etc/debian_version', '10.13\n'),
      file('etc/os-release', 'ID=debian\nVERSION_ID="12"\n'),
    ]);
    assert.equal(os?.versionId, '12');
    assert.equal(os?.source, 'etc/os-release');
  });

  it('recognises families from ID and ID_LIKE', async () => {
    const cases: Array<[string, string, string]> = [
      ['NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME="Alpine Linux v3.19"\n', 'alpine', '3.19.1'],
      ['NAME="Ubuntu"\nVERSION_ID="22.04"\nID=ubuntu\nID_LIKE=debian\nVERSION_CODENAME=jammy\n', 'debian', '22.04'],
      ['NAME="Rocky Linux"\nID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.3"\n', 'rhel', '9.3'],
      ['NAME="Red Hat Enterprise Linux"\nID="rhel"\nID_LIKE="fedora"\nVERSION_ID="9.3"\n', 'rhel', '9.3'],
      ['NAME="openSUSE Leap"\nVERSION="15.5"\nID="opensuse-leap"\nID_LIKE="suse opensuse"\nVERSION_ID="15.5"\n', 'suse', '15.5'],
      ['NAME="Linux Mint"\nID=linuxmint\nID_LIKE="ubuntu debian"\nVERSION_ID="21.2"\n', 'debian', '21.2'],
      ['NAME="Something"\nID=something\n', 'unknown', ''],
    ];
    for (const [text, family, version] of cases) {
      const os = await detect([file('etc/os-release', text)]);
      assert.equal(os?.family, family, text);
      assert.equal(os?.versionId ?? '', version, text);
    }
  });

  it('detects Google distroless', async () => {
    const text = 'PRETTY_NAME="Distroless"\nNAME="Debian GNU/Linux"\nID="debian"\nVERSION_ID="12"\nVERSION="Debian GNU/Linux 12 (bookworm)"\nHOME_URL="https://github.com/GoogleContainerTools/distroless"\n';
    const os = await detect([file('etc/os-release', text), file('var/lib/dpkg/status.d/libc6', 'Package: libc6\n')]);
    assert.equal(os?.distroless, true);
    assert.equal(os?.family, 'debian');
    const plain = await detect([file('etc/os-release', 'ID=debian\nVERSION_ID="12"\n')]);
    assert.equal(plain?.distroless, undefined);
  });

  it('falls back to distribution release files', async () => {
    const cases: Array<[string, string, string, string]> = [
      ['etc/debian_version', readFileSyncOr('/etc/debian_version', '12.5\n'), 'debian', ''],
      ['etc/alpine-release', '3.18.4\n', 'alpine', '3.18.4'],
      ['etc/centos-release', 'CentOS Linux release 7.9.2009 (Core)\n', 'centos', '7.9.2009'],
      ['etc/redhat-release', 'Red Hat Enterprise Linux Server release 7.9 (Maipo)\n', 'rhel', '7.9'],
      ['etc/system-release', 'Amazon Linux release 2 (Karoo)\n', 'amzn', '2'],
      ['etc/lsb-release', 'DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=14.04\nDISTRIB_CODENAME=trusty\nDISTRIB_DESCRIPTION="Ubuntu 14.04.6 LTS"\n', 'ubuntu', '14.04'],
    ];
    for (const [path, text, id, version] of cases) {
      const os = await detect([file(path, text)]);
      assert.equal(os?.id, id, path);
      if (version) assert.equal(os?.versionId, version, path);
      assert.equal(os?.source, path);
    }
    // this machine's debian_version gives the major release its os-release names
    if (existsSync('/etc/debian_version') && existsSync('/usr/lib/os-release')) {
      const os = await detect([file('etc/debian_version', readFileSync('/etc/debian_version', 'utf8'))]);
      const version = shellView(readFileSync('/usr/lib/os-release', 'utf8')).VERSION_ID;
      if (version) assert.equal(os?.versionId, version);
    }
    // Ubuntu keeps Debian's file; lsb-release tells them apart
    const ubuntu = await detect([file('etc/debian_version', 'bookworm/sid\n'), file('etc/lsb-release', 'DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=23.04\n')]);
    assert.equal(ubuntu?.id, 'ubuntu');
    assert.equal(await detect([]), undefined);
  });
});

function readFileSyncOr(path: string, fallback: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : fallback;
}
