import { readFile } from 'node:fs/promises';
import { BulkheadError } from '../errors.js';
import type { Finding } from '../findings/types.js';
import { checkDockerfile } from './dockerfile/check-dockerfile.js';
import { findConfigFiles, type ConfigFile } from './files.js';
import { checkManifests, type ManifestCheckOptions } from './kubernetes/check-manifests.js';
import { parseManifests, type Manifest } from './kubernetes/manifest-source.js';

export type ConfigScanOptions = ManifestCheckOptions;

export interface ConfigScan {
  findings: Finding[];
  /** Files looked at, and how many Kubernetes objects they held. */
  files: (ConfigFile & { objects?: number })[];
  /** Files or documents that could not be read or parsed; the scan went on without them. */
  warnings: string[];
}

/** Larger files are not manifests or Dockerfiles anyone writes by hand or renders with Helm. */
const MAX_FILE_BYTES = 16 * 1024 * 1024;

/**
 * Scans Kubernetes manifests and Dockerfiles under `path` (a file or a directory). NetworkPolicy
 * checks see every manifest of the scan at once, so a policy in one file covers workloads in another.
 */
export async function scanConfig(path: string, options: ConfigScanOptions = {}): Promise<ConfigScan> {
  const files = await findConfigFiles(path);
  const warnings: string[] = [];
  const findings: Finding[] = [];
  const manifests: Manifest[] = [];
  const scanned: ConfigScan['files'] = [];
  for (const file of files) {
    let text: string;
    try {
      const bytes = await readFile(file.path);
      if (bytes.length > MAX_FILE_BYTES) {
        warnings.push(`${file.path}: skipped, larger than ${MAX_FILE_BYTES} bytes`);
        continue;
      }
      text = bytes.toString('utf8');
    } catch (e) {
      // a single explicit file that cannot be read is an error; inside a tree it is a warning
      if (files.length === 1) throw new BulkheadError('INPUT_INVALID', `${file.path}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`, { input: file.path, cause: e });
      warnings.push(`${file.path}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
      continue;
    }
    if (file.kind === 'dockerfile') {
      findings.push(...checkDockerfile(file.path, text));
      scanned.push(file);
    } else {
      const parsed = parseManifests(file.path, text);
      warnings.push(...parsed.warnings);
      manifests.push(...parsed.manifests);
      scanned.push({ ...file, objects: parsed.manifests.length });
    }
  }
  findings.push(...checkManifests(manifests, options));
  return { findings, files: scanned, warnings };
}

/** The findings of `scanConfig` alone. */
export async function scanConfigPath(path: string, options: ConfigScanOptions = {}): Promise<Finding[]> {
  return (await scanConfig(path, options)).findings;
}
