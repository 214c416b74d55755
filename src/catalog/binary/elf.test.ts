import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { parseElf, PT_LOAD } from './elf.js';

/* The ELF reader against binutils' readelf (Debian package binutils) on binaries of this system. */

const hasReadelf = (() => {
  try {
    execFileSync('readelf', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const BINARIES = ['/bin/ls', '/bin/true', '/usr/bin/skopeo', '/usr/bin/go', '/usr/lib/x86_64-linux-gnu/libc.so.6'].filter((p) => existsSync(p));

test('sections and loadable segments match readelf', () => {
  assert.ok(hasReadelf, 'needs readelf (Debian package binutils)');
  for (const path of BINARIES) {
    const elf = parseElf(readFileSync(path));
    assert.ok(elf, path);
    const sections = execFileSync('readelf', ['-S', '-W', path], { encoding: 'utf8' })
      .split('\n')
      .map((l) => /^\s*\[\s*(\d+)\]\s+(\S*)\s+\S+\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null && m[1] !== '0')
      .map((m) => ({ name: m[2], addr: BigInt('0x' + m[3]), offset: parseInt(m[4]!, 16) }));
    assert.deepEqual(elf.sections.slice(1).map((s) => ({ name: s.name, addr: s.addr, offset: s.offset })), sections, path);
    const loads = execFileSync('readelf', ['-l', '-W', path], { encoding: 'utf8' })
      .split('\n')
      .map((l) => /^\s*LOAD\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+0x[0-9a-f]+\s+0x([0-9a-f]+)/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ offset: parseInt(m[1]!, 16), vaddr: BigInt('0x' + m[2]), filesz: parseInt(m[3]!, 16) }));
    assert.deepEqual(elf.segments.filter((s) => s.type === PT_LOAD).map((s) => ({ offset: s.offset, vaddr: s.vaddr, filesz: s.filesz })), loads, path);
  }
});

test('hostile headers do not throw', () => {
  const ls = readFileSync('/bin/ls');
  for (const cut of [16, 52, 64, 200, 4096]) parseElf(ls.subarray(0, cut));
  const bad = Buffer.from(ls);
  bad.writeBigUInt64LE(0xffffffffffffn, 0x28); // e_shoff far past the end
  bad.writeUInt16LE(0xffff, 0x3c);
  assert.deepEqual(parseElf(bad)?.sections, []);
  assert.equal(parseElf(Buffer.from('#!/bin/sh\necho not elf\n'.repeat(10))), undefined);
});
