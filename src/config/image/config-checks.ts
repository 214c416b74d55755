import type { Finding } from '../../findings/types.js';
import { buildArgNames, isLiteralValue, looksLikeSecretName } from './secret-names.js';
import type { CheckContext, ImageCheck } from './types.js';

/** BH-IMG-002, CIS 4.6 "Ensure that HEALTHCHECK instructions have been added to container images". */
const noHealthcheck: ImageCheck = (ctx) => {
  const test = ctx.analysis.image.config?.config?.Healthcheck?.Test;
  // `HEALTHCHECK NONE` is stored as Test ["NONE"] and turns off a base image's check
  const disabled = test?.[0] === 'NONE';
  if (test && test.length > 0 && !disabled) return [];
  return [
    ctx.finding({
      id: 'BH-IMG-002',
      cis: '4.6',
      severity: 'low',
      title: disabled ? 'Image disables its HEALTHCHECK' : 'Image has no HEALTHCHECK',
      remediation: 'Add a HEALTHCHECK instruction that probes the service (or rely on an orchestrator probe).',
      evidence: { healthcheck: disabled ? 'NONE' : '(not set)' },
    }),
  ];
};

/**
 * BH-IMG-008, CIS 4.10 "Ensure secrets are not stored in Dockerfiles": ENV, LABEL and build ARG
 * names that look like credentials and were given literal values. Values are never reported.
 */
const secretNames: ImageCheck = (ctx) => {
  const config = ctx.analysis.image.config?.config;
  const found: { where: string; name: string; layerIndex?: number }[] = [];
  for (const kv of config?.Env ?? []) {
    const eq = kv.indexOf('=');
    const name = eq < 0 ? kv : kv.slice(0, eq);
    if (eq > 0 && looksLikeSecretName(name) && isLiteralValue(kv.slice(eq + 1))) found.push({ where: 'ENV', name });
  }
  const labels = { ...ctx.analysis.image.labels, ...(config?.Labels ?? {}) };
  for (const [name, value] of Object.entries(labels)) {
    if (looksLikeSecretName(name) && isLiteralValue(value)) found.push({ where: 'LABEL', name });
  }
  const args = new Map<string, number | undefined>();
  for (const step of ctx.history) {
    for (const name of buildArgNames(step.createdBy)) if (looksLikeSecretName(name) && !args.has(name)) args.set(name, step.layerIndex);
  }
  for (const [name, layerIndex] of args) found.push({ where: 'ARG', name, ...(layerIndex !== undefined ? { layerIndex } : {}) });
  return found.map((f) =>
    ctx.finding({
      id: 'BH-IMG-008',
      cis: '4.10',
      severity: 'high',
      title: `${f.where} ${f.name} looks like a secret with a literal value`,
      remediation:
        f.where === 'ARG'
          ? 'Pass secrets with BuildKit secret mounts (RUN --mount=type=secret), not build arguments: their values stay in the image history.'
          : `Remove ${f.name} from the image ${f.where === 'ENV' ? 'environment' : 'labels'}; inject secrets at run time (secret store, mounted file).`,
      evidence: { source: f.where, name: f.name },
      ...(f.layerIndex !== undefined ? { layerIndex: f.layerIndex } : {}),
    }),
  );
};

/** BH-IMG-009: a `latest` or missing tag names a moving target; the scan result may not match what runs. */
const floatingTag: ImageCheck = (ctx) => {
  const image = ctx.analysis.image;
  const named = image.name ?? (image.transport === 'registry' || image.transport === 'docker-daemon' ? image.reference : undefined);
  if (!named || named.includes('@')) return [];
  const slash = named.lastIndexOf('/');
  const colon = named.lastIndexOf(':');
  const tag = colon > slash ? named.slice(colon + 1) : undefined;
  if (tag !== undefined && tag !== 'latest') return [];
  return [
    ctx.finding({
      id: 'BH-IMG-009',
      severity: 'low',
      title: tag === undefined ? 'Image reference has no tag' : 'Image reference uses the latest tag',
      remediation: 'Refer to the image by a version tag, or better by digest (repo@sha256:...).',
      evidence: { reference: named, tag: tag ?? '(none)' },
    }),
  ];
};

const DAY_MS = 86_400_000;

/**
 * BH-IMG-011, CIS 4.4 "Ensure images are scanned and rebuilt to include security patches": an image
 * built long ago has missed its base image's updates. Timestamps at the Unix epoch are reproducible
 * builds (SOURCE_DATE_EPOCH=0), not real build dates, and are not judged.
 */
const oldImage: ImageCheck = (ctx) => {
  const maxAgeDays = ctx.options.maxAgeDays ?? 365;
  const created = ctx.analysis.image.created ?? ctx.analysis.image.config?.created;
  if (maxAgeDays <= 0 || !created) return [];
  const time = Date.parse(created);
  if (Number.isNaN(time) || time < DAY_MS) return [];
  const ageDays = Math.floor((ctx.now.getTime() - time) / DAY_MS);
  if (ageDays <= maxAgeDays) return [];
  return [
    ctx.finding({
      id: 'BH-IMG-011',
      cis: '4.4',
      severity: 'medium',
      title: `Image was built ${ageDays} days ago`,
      remediation: 'Rebuild the image on an up-to-date base image and reinstall its packages.',
      evidence: { created, ageDays: String(ageDays), maxAgeDays: String(maxAgeDays) },
    }),
  ];
};

/** Services that should not listen in a container, by well-known port (IANA service names). */
const RISKY_PORTS: Record<number, string> = {
  21: 'FTP (clear-text credentials)',
  23: 'Telnet (clear-text credentials)',
  111: 'rpcbind',
  512: 'rexec',
  513: 'rlogin',
  514: 'rsh',
  2375: 'Docker Engine API without TLS',
  3389: 'RDP',
  5900: 'VNC',
  6000: 'X11',
};
/** More exposed ports than this is an `EXPOSE a-b` range rather than a list of services. */
const BROAD_EXPOSE = 32;

/** BH-IMG-017: exposed ports of remote-administration or clear-text services, and very broad EXPOSE ranges. */
const exposedPorts: ImageCheck = (ctx) => {
  const ports = Object.keys(ctx.analysis.image.config?.config?.ExposedPorts ?? {});
  const out: Finding[] = [];
  for (const p of ports) {
    const service = RISKY_PORTS[Number(p.split('/')[0])];
    if (!service) continue;
    out.push(
      ctx.finding({
        id: 'BH-IMG-017',
        severity: 'medium',
        title: `Image exposes port ${p} (${service})`,
        remediation: 'Remove the EXPOSE and the service; administer containers with docker exec / kubectl exec.',
        evidence: { port: p, service },
      }),
    );
  }
  if (ports.length > BROAD_EXPOSE) {
    out.push(
      ctx.finding({
        id: 'BH-IMG-017',
        severity: 'low',
        title: `Image exposes ${ports.length} ports`,
        remediation: 'EXPOSE only the ports the service listens on.',
        evidence: { count: String(ports.length), ports: ports.slice(0, 10).join(', ') + (ports.length > 10 ? ', ...' : '') },
      }),
    );
  }
  return out;
};

export const configChecks: readonly ImageCheck[] = [noHealthcheck, secretNames, floatingTag, oldImage, exposedPorts];
