import assert from 'node:assert/strict';
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { secretsAnalyzer, type SecretHit } from './index.js';

/**
 * False-positive survey over real files on this machine: Debian's Perl and Python trees (packages
 * perl-modules-5.36 and python3-minimal / python3.11, which every Debian image with Perl or Python
 * carries) and this project's own node_modules. Nothing there is a credential, so every hit is a
 * false positive; the hits are printed so that a change in the rules shows what it costs.
 */
const ROOTS = ['/usr/share/perl5', '/usr/share/perl', '/usr/lib/python3', '/usr/lib/python3.11', join(process.cwd(), 'node_modules')];
const MAX_FALSE_POSITIVES = 2;

describe('false-positive survey', () => {
  it(`reports at most ${MAX_FALSE_POSITIVES} hits over Debian Perl/Python trees and node_modules`, () => {
    for (const root of ROOTS.slice(0, 3)) {
      assert.ok(existsSync(root), `${root} is missing: install the Debian packages perl-modules-5.36 and python3`);
    }
    const analyzer = secretsAnalyzer();
    const hits: string[] = [];
    let bytes = 0;
    let files = 0;
    let scanMs = 0;
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const full = join(dir, name);
        const info = lstatSync(full);
        if (info.isDirectory()) walk(full);
        else if (info.isFile()) {
          const path = full.slice(1);
          if (!analyzer.wants(path, { size: info.size, mode: info.mode })) continue;
          const content = readFileSync(full);
          const start = performance.now();
          const found = analyzer.analyze({ path, content, size: info.size, mode: info.mode, warn: () => {} }) as SecretHit[] | undefined;
          scanMs += performance.now() - start;
          bytes += content.length;
          files++;
          for (const h of found ?? []) hits.push(`${path}:${h.line}:${h.column} ${h.rule} ${h.redacted}`);
        }
      }
    };
    for (const root of ROOTS) if (existsSync(root)) walk(root);
    // Informational (no timing assertions in tests): files, megabytes and the scan rate.
    process.stdout.write(`# survey: ${files} files, ${(bytes / 1e6).toFixed(1)} MB, ${(bytes / 1e6 / (scanMs / 1000)).toFixed(0)} MB/s, ${hits.length} hits\n`);
    for (const h of hits) process.stdout.write(`# survey hit: ${h}\n`);
    assert.ok(files > 1000, 'the survey read real files');
    assert.ok(hits.length <= MAX_FALSE_POSITIVES, hits.join('\n'));
  });
});
