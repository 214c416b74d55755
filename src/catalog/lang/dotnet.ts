import type { FileContent } from '../../image/analyzer.js';
import { LIMITS } from '../../image/limits.js';
import type { CatalogContext, CatalogedPackage, Cataloger } from '../cataloger.js';
import { isRecord, parseJson, stringField, toCataloged, type FoundPackage } from './common.js';

/**
 * .NET dependencies from `*.deps.json` (dotnet/runtime docs, "design/features/host-probing" and
 * "dependencyresolution"): `libraries` is keyed `Name/Version`; `type: "package"` entries are NuGet
 * packages (`project` and `reference` entries are the application's own assemblies). `sha512` is
 * `sha512-<base64>` of the .nupkg.
 */
const DOTNET_DEPS = 'dotnet-deps';

export function parseDepsJson(doc: Record<string, unknown>): FoundPackage[] {
  const out: FoundPackage[] = [];
  if (!isRecord(doc.libraries)) return out;
  for (const [key, entry] of Object.entries(doc.libraries)) {
    if (!isRecord(entry) || entry.type !== 'package') continue;
    const slash = key.lastIndexOf('/');
    if (slash <= 0 || slash === key.length - 1) continue;
    const found: FoundPackage = { name: key.slice(0, slash), version: key.slice(slash + 1) };
    const sha512 = stringField(entry.sha512);
    if (sha512?.startsWith('sha512-')) {
      const hex = Buffer.from(sha512.slice('sha512-'.length), 'base64').toString('hex');
      if (hex.length === 128) found.hashes = { 'SHA-512': hex };
    }
    out.push(found);
  }
  return out;
}

export const dotnetCataloger: Cataloger = {
  name: 'dotnet',
  analyzers: [
    {
      name: DOTNET_DEPS,
      version: 1,
      maxBytes: LIMITS.maxMetadataBytes,
      wants: (path: string) => path.endsWith('.deps.json'),
      analyze(file: FileContent) {
        const doc = parseJson(file.content, file.warn);
        if (!isRecord(doc)) return undefined;
        const packages = parseDepsJson(doc);
        return packages.length > 0 ? { packages } : undefined;
      },
    },
  ],
  catalog(ctx: CatalogContext): CatalogedPackage[] {
    const out: CatalogedPackage[] = [];
    for (const r of ctx.results<{ packages: FoundPackage[] }>(DOTNET_DEPS)) {
      for (const found of r.data.packages) {
        const pkg = toCataloged(ctx, r, found, 'nuget', 'dotnet', { name: found.name });
        if (pkg) out.push(pkg);
      }
    }
    return out;
  },
};
