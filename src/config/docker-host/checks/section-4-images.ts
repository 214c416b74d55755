/** CIS Docker Benchmark v1.6.0, section 4: container images, where a running host shows it. */
import { containerJudge, imageJudge, manualJudge } from '../judges.js';
import type { CheckDefinition } from '../types.js';

const manual = (id: string, title: string, remediation: string): CheckDefinition => ({ id, title, level: 1, automated: false, severity: 'low', reads: 'the image build', remediation, judge: manualJudge });

export const SECTION_4: CheckDefinition[] = [
  {
    id: '4.1', title: 'Ensure that a user for the container has been created', level: 1, automated: true, severity: 'medium',
    reads: 'container inspect: Config.User', remediation: 'create a user in the image and switch to it with USER (or run with --user)',
    // the container's Config.User is the image's USER unless --user overrode it
    judge: containerJudge((c) => {
      const user = c.Config?.User ?? '';
      return user === '' || user === '0' || user === 'root' || /^(0|root):/u.test(user) ? `runs as ${user || 'root (no user set)'}` : undefined;
    }),
  },
  manual('4.2', 'Ensure that containers use only trusted base images', 'build from base images you trust and verify their signatures'),
  manual('4.3', 'Ensure that unnecessary packages are not installed in the container', 'keep images minimal'),
  manual('4.4', 'Ensure images are scanned and rebuilt to include security patches', 'scan images (bulkhead scan) and rebuild them when fixes are out'),
  manual('4.5', 'Ensure Content trust for Docker is Enabled', 'verify image signatures at deploy time (bulkhead authz, or DOCKER_CONTENT_TRUST=1)'),
  {
    id: '4.6', title: 'Ensure that HEALTHCHECK instructions have been added to container images', level: 1, automated: true, severity: 'low',
    reads: 'image inspect: Config.Healthcheck', remediation: 'add a HEALTHCHECK instruction to the Dockerfile',
    judge: imageJudge((i) => (i.Config?.Healthcheck?.Test?.length ? undefined : 'no HEALTHCHECK')),
  },
  manual('4.7', 'Ensure update instructions are not used alone in the Dockerfile', 'combine update with install in one RUN (bulkhead config checks Dockerfiles)'),
  manual('4.8', 'Ensure setuid and setgid permissions are removed', 'remove setuid/setgid bits the image does not need (bulkhead scan --scanners config reports them)'),
  manual('4.9', 'Ensure that COPY is used instead of ADD in Dockerfiles', 'use COPY instead of ADD'),
  manual('4.10', 'Ensure secrets are not stored in Dockerfiles', 'pass secrets as build secrets (bulkhead scan --scanners secret finds them)'),
  manual('4.11', 'Ensure only verified packages are installed', 'install packages from verified repositories'),
  manual('4.12', 'Ensure all signed artifacts are validated', 'verify signatures of artifacts before use'),
];
