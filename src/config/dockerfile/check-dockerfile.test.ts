import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { checkDockerfile } from './check-dockerfile.js';
import { DF_RULES } from './rule-catalog.js';
import { parseShell } from './shell-commands.js';

const ids = (text: string) => checkDockerfile('Dockerfile', text).map((f) => f.id);
const FINAL = 'USER app\nHEALTHCHECK CMD true\n';

/** Each rule: a Dockerfile that breaks it and the same intent written so it does not. */
const CASES: { rule: keyof typeof DF_RULES; bad: string; good: string }[] = [
  { rule: 'noUser', bad: 'FROM debian:12\nHEALTHCHECK CMD true\n', good: `FROM debian:12\n${FINAL}` },
  { rule: 'rootUser', bad: 'FROM debian:12\nUSER app\nUSER 0:0\nHEALTHCHECK CMD true\n', good: `FROM debian:12\nUSER root\nRUN id\n${FINAL}` },
  { rule: 'latestFrom', bad: `FROM debian\n${FINAL}`, good: `FROM debian:12 AS base\nFROM base\n${FINAL}` },
  { rule: 'latestFrom', bad: `FROM ghcr.io/a/b:latest\n${FINAL}`, good: `FROM ghcr.io/a/b@sha256:${'0'.repeat(64)}\n${FINAL}` },
  { rule: 'addLocal', bad: `FROM debian:12\nADD app.py /app/\n${FINAL}`, good: `FROM debian:12\nADD rootfs.tar.gz /\nCOPY app.py /app/\n${FINAL}` },
  { rule: 'addUrl', bad: `FROM debian:12\nADD https://example.com/x.tgz /x\n${FINAL}`, good: `FROM debian:12\nADD --checksum=sha256:${'0'.repeat(64)} https://example.com/x.tgz /x\n${FINAL}` },
  { rule: 'aptRecommends', bad: `FROM debian:12\nRUN apt-get update && apt-get install -y curl=7.88.1-10 && rm -rf /var/lib/apt/lists/*\n${FINAL}`, good: `FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10 && rm -rf /var/lib/apt/lists/*\n${FINAL}` },
  { rule: 'aptLists', bad: `FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10\n${FINAL}`, good: `FROM debian:12\nRUN apt-get update \\\n && apt-get install -y --no-install-recommends curl=7.88.1-10 \\\n && rm -rf /var/lib/apt/lists/*\n${FINAL}` },
  { rule: 'aptPin', bad: `FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n${FINAL}`, good: `FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends -o Dpkg::Use-Pty=0 curl=7.88.1-10 && rm -rf /var/lib/apt/lists/*\n${FINAL}` },
  { rule: 'aptUpgrade', bad: `FROM debian:12\nRUN apt-get update && apt-get -y dist-upgrade\n${FINAL}`, good: `FROM debian:12.5\n${FINAL}` },
  { rule: 'aptUpdateAlone', bad: `FROM debian:12\nRUN apt-get update\n${FINAL}`, good: `FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends a=1 && rm -rf /var/lib/apt/lists/*\n${FINAL}` },
  { rule: 'pipeToShell', bad: `FROM debian:12\nRUN curl -fsSL https://get.example.com | sudo bash -s --\n${FINAL}`, good: `FROM debian:12\nRUN curl -fsSLo i.sh https://get.example.com && echo "x  i.sh" | sha256sum -c && sh i.sh\n${FINAL}` },
  { rule: 'sudo', bad: `FROM debian:12\nRUN sudo make install\n${FINAL}`, good: `FROM debian:12\nUSER root\nRUN make install\n${FINAL}` },
  { rule: 'secretEnv', bad: `FROM debian:12\nENV DB_PASSWORD=hunter2 MODE=prod\n${FINAL}`, good: `FROM debian:12\nENV DB_PASSWORD_FILE=/run/secrets/db GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D\nARG API_TOKEN\n${FINAL}` },
  { rule: 'secretEnv', bad: `FROM debian:12\nARG GITHUB_TOKEN="ghp_x"\n${FINAL}`, good: `FROM debian:12\nARG GITHUB_TOKEN=$CI_TOKEN\n${FINAL}` },
  { rule: 'exposeSsh', bad: `FROM debian:12\nEXPOSE 80 22/tcp\n${FINAL}`, good: `FROM debian:12\nEXPOSE 80 2222\n${FINAL}` },
  { rule: 'noHealthcheck', bad: 'FROM debian:12\nUSER app\n', good: `FROM debian:12\n${FINAL}` },
  { rule: 'relativeWorkdir', bad: `FROM debian:12\nWORKDIR app\n${FINAL}`, good: `FROM debian:12\nWORKDIR /app\nWORKDIR $HOME/x\n${FINAL}` },
  { rule: 'multipleCmd', bad: `FROM debian:12\nCMD ["a"]\nCMD ["b"]\n${FINAL}`, good: `FROM debian:12 AS a\nCMD ["a"]\nFROM debian:12\nCMD ["b"]\n${FINAL}` },
  { rule: 'shellEntrypoint', bad: `FROM debian:12\nENTRYPOINT /app/run --x\n${FINAL}`, good: `FROM debian:12\nENTRYPOINT ["/app/run", "--x"]\n${FINAL}` },
  { rule: 'cdInRun', bad: `FROM debian:12\nRUN cd /src && make\n${FINAL}`, good: `FROM debian:12\nWORKDIR /src\nRUN make\n${FINAL}` },
  { rule: 'pipCache', bad: `FROM python:3.12\nRUN python3 -m pip install -r requirements.txt\n${FINAL}`, good: `FROM python:3.12\nRUN pip install --no-cache-dir -r requirements.txt\n${FINAL}` },
  { rule: 'npmInstall', bad: `FROM node:22\nRUN npm install\n${FINAL}`, good: `FROM node:22\nRUN npm ci && npm install -g pnpm@9\n${FINAL}` },
  { rule: 'apkCache', bad: `FROM alpine:3.20\nRUN apk add curl\n${FINAL}`, good: `FROM alpine:3.20\nRUN apk add --no-cache curl\n${FINAL}` },
  { rule: 'insecureTls', bad: `FROM debian:12\nRUN curl -fsSLk https://x/y -o y\n${FINAL}`, good: `FROM debian:12\nRUN curl -fsSL https://x/y -o y\n${FINAL}` },
];

for (const c of CASES) {
  const id = DF_RULES[c.rule].id;
  test(`${id} ${c.rule}`, () => {
    assert.ok(ids(c.bad).includes(id), `${id} should fire on:\n${c.bad}`);
    assert.ok(!ids(c.good).includes(id), `${id} should not fire on:\n${c.good}\n(got ${ids(c.good).join(', ')})`);
  });
}

test('heredoc RUN scripts are checked; heredocs fed to other programs are data', () => {
  assert.ok(ids(`FROM debian:12\nRUN <<EOF\nset -e\nsudo true\nEOF\n${FINAL}`).includes(DF_RULES.sudo.id));
  assert.ok(!ids(`FROM debian:12\nRUN python3 <<EOF\nprint("sudo cd")\nEOF\n${FINAL}`).includes(DF_RULES.sudo.id));
});

test('findings point at the line of the offending command inside a continued RUN', () => {
  const text = `FROM debian:12\nRUN set -eux; \\\n    apt-get update; \\\n    curl -k https://x -o y\n${FINAL}`;
  const f = checkDockerfile('Dockerfile', text).find((x) => x.id === DF_RULES.insecureTls.id)!;
  assert.equal(f.evidence!.line, '4');
  assert.equal(f.target.path, 'Dockerfile');
});

test('every finding on the real Dockerfiles of the BuildKit test files names a line of its instruction', () => {
  const dir = new URL('./testdata/buildkit-parser/', import.meta.url).pathname;
  let total = 0;
  for (const name of readdirSync(dir)) {
    const text = readFileSync(`${dir}${name}/Dockerfile`, 'utf8');
    const lines = text.split(/\r?\n/);
    for (const f of checkDockerfile(name, text)) {
      total++;
      const line = Number(f.evidence!.line);
      assert.ok(line >= 1 && line <= lines.length, `${name}: ${f.id} line ${line}`);
      assert.ok(lines[line - 1]!.trim() !== '' && !lines[line - 1]!.trim().startsWith('#'), `${name}: ${f.id} on an empty or comment line ${line}`);
    }
  }
  assert.ok(total > 50, `findings on real Dockerfiles: ${total}`);
});

test('shell parsing: lists, pipelines, quotes, assignments', () => {
  assert.deepEqual(parseShell(`A=1 curl -s 'a b' "c|d" | sh && echo x; cd /y`), [[['curl', '-s', 'a b', 'c|d'], ['sh']], [['echo', 'x']], [['cd', '/y']]]);
});
