import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { parseDockerfile } from './parse-dockerfile.js';

/**
 * Reference: BuildKit's own parser test files (testdata/SOURCES.md). Each `result` line is BuildKit's
 * reading of one instruction: `(keyword ["--flag" ...] "arg" ...)`. Our parser must find the same
 * instructions in the same order, with the same flags, the same JSON-form arguments, and for
 * shell-form RUN/CMD/ENTRYPOINT the same command text.
 */
const DIR = new URL('./testdata/buildkit-parser/', import.meta.url).pathname;

interface Expected {
  keyword: string;
  flags: string[];
  args: string[];
}

/** Go `%q` strings: JSON escapes plus `\xNN`. */
function goStrings(text: string): string[] {
  return [...text.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]!.replace(/\\x([0-9a-f]{2})/gi, '\\u00$1')}"`) as string);
}

function readResult(text: string): Expected[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('('))
    .map((line) => {
      const m = /^\((\w+)\s*(\[[^\]]*\])?\s*(.*)\)$/.exec(line)!;
      return { keyword: m[1]!.toUpperCase(), flags: m[2] ? goStrings(m[2]) : [], args: goStrings(m[3] ?? '') };
    });
}

const cases = readdirSync(DIR).sort();

test('the BuildKit parser test files are all present', () => {
  assert.equal(cases.length, 33);
});

for (const name of cases) {
  test(`parses like BuildKit: ${name}`, () => {
    const expected = readResult(readFileSync(`${DIR}${name}/result`, 'utf8'));
    const text = readFileSync(`${DIR}${name}/Dockerfile`, 'utf8');
    const df = parseDockerfile(text);
    assert.deepEqual(df.instructions.map((i) => i.keyword), expected.map((e) => e.keyword), 'instruction keywords');
    const lines = text.split(/\r?\n/);
    df.instructions.forEach((instr, k) => {
      const e = expected[k]!;
      // ONBUILD wraps another instruction whose flags BuildKit prints inside the nested form
      if (instr.keyword !== 'ONBUILD') assert.deepEqual(instr.rawFlags, e.flags, `flags of ${instr.keyword} at line ${instr.line}`);
      if (instr.json && ['RUN', 'CMD', 'ENTRYPOINT'].includes(instr.keyword)) assert.deepEqual(instr.json, e.args, `JSON arguments at line ${instr.line}`);
      else if (['RUN', 'CMD', 'ENTRYPOINT'].includes(instr.keyword)) assert.deepEqual([instr.args], e.args, `shell form at line ${instr.line}`);
      // the reported line holds the keyword
      assert.match(lines[instr.line - 1]!, new RegExp(`^\\s*${instr.keyword}\\b`, 'i'), `line ${instr.line}`);
    });
  });
}

test('heredocs: body lines, <<- tab stripping, quoted delimiters, several on one line', () => {
  const text = ['FROM debian:12', 'RUN <<EOF', 'apt-get update', 'EOF', 'COPY <<-"A" <<B /dst/', '\tone', '\tA', 'two', 'B', 'USER app'].join('\n');
  const df = parseDockerfile(text);
  assert.deepEqual(df.instructions.map((i) => [i.keyword, i.line, i.endLine]), [['FROM', 1, 1], ['RUN', 2, 4], ['COPY', 5, 9], ['USER', 10, 10]]);
  assert.deepEqual(df.instructions[1]!.heredocs, [{ name: 'EOF', body: 'apt-get update', quoted: false, line: 3 }]);
  assert.deepEqual(df.instructions[2]!.heredocs.map((h) => [h.name, h.body, h.quoted]), [['A', 'one', true], ['B', 'two', false]]);
});

test('parser directives end at the first other line; escape=` changes the continuation character', () => {
  const df = parseDockerfile('# syntax=docker/dockerfile:1\n# escape=`\nFROM x:1\nRUN a `\n  b\n# check=skip\n');
  assert.deepEqual(df.directives, { syntax: 'docker/dockerfile:1', escape: '`' });
  assert.equal(df.instructions[1]!.args, 'a   b');
});
