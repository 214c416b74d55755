import type { Severity } from '../../findings/types.js';

export interface DockerfileRule {
  id: string;
  severity: Severity;
  title: string;
  remediation: string;
}

/**
 * Dockerfile rules (ids BH-DF-0xx). They follow the Dockerfile best practices of the Docker
 * documentation ("Building best practices") and CIS Docker Benchmark section 4 (4.1 user, 4.6
 * HEALTHCHECK, 4.7 update instructions alone, 4.9 COPY instead of ADD, 4.10 secrets).
 */
export const DF_RULES = {
  noUser: { id: 'BH-DF-001', severity: 'medium', title: 'No USER instruction: the container runs as root', remediation: 'add a USER instruction with a non-root user in the final stage (CIS Docker 4.1)' },
  rootUser: { id: 'BH-DF-002', severity: 'medium', title: 'The last USER is root', remediation: 'switch to a non-root user after the steps that need root' },
  latestFrom: { id: 'BH-DF-003', severity: 'medium', title: 'Base image uses the latest tag or no tag', remediation: 'use a fixed version tag, ideally with @sha256 digest' },
  addLocal: { id: 'BH-DF-004', severity: 'low', title: 'ADD used where COPY suffices', remediation: 'use COPY for local files; ADD only to unpack a local tar archive (CIS Docker 4.9)' },
  addUrl: { id: 'BH-DF-005', severity: 'medium', title: 'ADD fetches a remote URL without a checksum', remediation: 'use ADD --checksum=sha256:... or download with curl and verify the checksum' },
  aptRecommends: { id: 'BH-DF-006', severity: 'low', title: 'apt-get install without --no-install-recommends', remediation: 'add --no-install-recommends so only the needed packages are installed' },
  aptLists: { id: 'BH-DF-007', severity: 'low', title: 'apt lists not removed after apt-get install', remediation: 'end the same RUN with rm -rf /var/lib/apt/lists/*' },
  aptPin: { id: 'BH-DF-008', severity: 'low', title: 'apt-get install without version pins', remediation: 'pin packages as name=version for repeatable builds' },
  aptUpgrade: { id: 'BH-DF-009', severity: 'low', title: 'apt-get upgrade in a Dockerfile', remediation: 'rebuild on a newer base image instead of upgrading packages in a layer' },
  pipeToShell: { id: 'BH-DF-010', severity: 'high', title: 'Downloaded script piped straight into a shell', remediation: 'download to a file, verify its checksum or signature, then run it' },
  sudo: { id: 'BH-DF-011', severity: 'medium', title: 'sudo used in RUN', remediation: 'RUN already runs as the current USER; switch USER around the steps that need root instead' },
  secretEnv: { id: 'BH-DF-012', severity: 'high', title: 'Secret-like value in ENV or ARG', remediation: 'pass secrets with RUN --mount=type=secret; ENV and ARG values stay in the image history (CIS Docker 4.10)' },
  exposeSsh: { id: 'BH-DF-013', severity: 'medium', title: 'Port 22 (SSH) exposed', remediation: 'do not run SSH in a container; use docker exec / kubectl exec' },
  noHealthcheck: { id: 'BH-DF-014', severity: 'low', title: 'No HEALTHCHECK instruction', remediation: 'add a HEALTHCHECK to the final stage (CIS Docker 4.6)' },
  relativeWorkdir: { id: 'BH-DF-015', severity: 'low', title: 'WORKDIR is a relative path', remediation: 'use an absolute WORKDIR path; a relative one depends on earlier WORKDIRs and the base image' },
  multipleCmd: { id: 'BH-DF-016', severity: 'low', title: 'More than one CMD or ENTRYPOINT in a stage', remediation: 'keep one: only the last CMD or ENTRYPOINT takes effect' },
  shellEntrypoint: { id: 'BH-DF-017', severity: 'low', title: 'ENTRYPOINT in shell form', remediation: 'use the JSON form ["prog", "arg"] so the program is PID 1 and gets stop signals, and CMD arguments reach it' },
  cdInRun: { id: 'BH-DF-018', severity: 'negligible', title: 'cd in RUN instead of WORKDIR', remediation: 'use WORKDIR to change directory' },
  pipCache: { id: 'BH-DF-019', severity: 'low', title: 'pip install keeps its cache in the image', remediation: 'add --no-cache-dir (or ENV PIP_NO_CACHE_DIR=1)' },
  npmInstall: { id: 'BH-DF-020', severity: 'low', title: 'npm install instead of npm ci', remediation: 'use npm ci so the lockfile decides the installed versions' },
  apkCache: { id: 'BH-DF-021', severity: 'low', title: 'apk add keeps its cache in the image', remediation: 'use apk add --no-cache' },
  insecureTls: { id: 'BH-DF-022', severity: 'high', title: 'Download with TLS certificate checks turned off', remediation: 'remove -k/--insecure/--no-check-certificate/--trusted-host and fix the CA certificates instead' },
  aptUpdateAlone: { id: 'BH-DF-023', severity: 'low', title: 'apt-get update in a RUN without an install', remediation: 'run apt-get update && apt-get install in one RUN so the cached lists are never stale (CIS Docker 4.7)' },
} as const satisfies Record<string, DockerfileRule>;
