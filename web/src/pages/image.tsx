/**
 * One image: tags, layers, signature and policy status, packages, findings with filters, and its
 * scan history (GET /api/v1/images/:digest and its /packages, /findings, /scans).
 */
import { query } from '../api.js';
import { Load, SEVERITIES, Severity, Status, shortDigest, when } from '../components/status.js';
import { useApi } from '../components/use-api.js';
import { setQuery, usePath } from '../router.js';
import type { ImageRow } from './images.js';

/** GET /api/v1/images/:digest: the image row plus facts from its latest stored scan. */
interface ImageDetail extends ImageRow {
  reference: string;
  tags: Array<{ repository: string; tag: string; updatedAt: string }>;
  layers?: Array<{ index: number; digest?: string; bytes?: number; createdBy?: string }>;
  packagesScanned?: number;
}
interface PackageRow {
  name: string;
  version: string;
  type: string;
  purl?: string;
  locations?: Array<{ path: string; layerIndex: number }>;
}
/** The Finding model (src/findings/types.ts), as much as the table shows. */
interface FindingRow {
  id: string;
  kind: string;
  severity: string;
  title: string;
  target: { package?: { name: string; version: string }; path?: string };
  vulnerability?: { fixedVersion?: string };
  suppression?: unknown;
}
interface ScanRow {
  id: string;
  createdAt: string;
  source: string;
  dbBuilt: string | null;
  summary: Record<string, number>;
}

export function ImagePage({ digest }: { digest: string }) {
  const base = `/images/${encodeURIComponent(digest)}`;
  const image = useApi<ImageDetail>(base);
  return (
    <>
      <h1>
        Image <code>{shortDigest(digest)}</code>
      </h1>
      <Load state={image}>{(data) => <ImageFacts image={data} />}</Load>
      <Findings base={base} />
      <Packages base={base} />
      <Scans base={base} />
    </>
  );
}

function ImageFacts({ image }: { image: ImageDetail }) {
  const layers = image.layers ?? [];
  return (
    <>
      <dl class="facts">
        <div>
          <dt>Repository</dt>
          <dd>{image.repository}</dd>
        </div>
        <div>
          <dt>Digest</dt>
          <dd>
            <code>{image.digest}</code>
          </dd>
        </div>
        <div>
          <dt>Tags</dt>
          <dd>{image.tags.length ? image.tags.map((t) => `${t.repository}:${t.tag}`).join(', ') : '—'}</dd>
        </div>
        <div>
          <dt>OS</dt>
          <dd>{image.os ?? '—'}</dd>
        </div>
        <div>
          <dt>Worst severity</dt>
          <dd>
            <Severity value={image.worstSeverity} />
          </dd>
        </div>
        <div>
          <dt>Signature</dt>
          <dd>
            <Status value={image.signatureStatus} />
          </dd>
        </div>
        <div>
          <dt>Policy</dt>
          <dd>
            <Status value={image.policyStatus} />
          </dd>
        </div>
        <div>
          <dt>Last scanned</dt>
          <dd>{when(image.lastScannedAt)}</dd>
        </div>
      </dl>
      <section aria-labelledby="h-layers">
        <h2 id="h-layers">Layers</h2>
        {layers.length ? (
          <ol class="layers">
            {layers.map((l, i) => (
              <li key={i}>
                <code>{l.digest ? shortDigest(l.digest) : `layer ${i}`}</code> {l.bytes !== undefined ? `${Math.ceil(l.bytes / 1024)} KiB` : ''}{' '}
                <span class="created-by">{l.createdBy ?? ''}</span>
              </li>
            ))}
          </ol>
        ) : (
          <p>No layer information (scanned from a directory or a BOM).</p>
        )}
      </section>
    </>
  );
}

function Findings({ base }: { base: string }) {
  const { params } = usePath();
  const filters = { severity: params.get('severity') ?? '', kind: params.get('kind') ?? '', fixable: params.get('fixable') ?? '', text: params.get('text') ?? '' };
  const state = useApi<{ total: number; items: FindingRow[] }>(`${base}/findings${query(filters)}`);
  const update = (patch: Partial<typeof filters>) => setQuery({ ...filters, ...patch });
  return (
    <section aria-labelledby="h-findings">
      <h2 id="h-findings">Findings</h2>
      <form class="filters" role="search" aria-label="Filter findings" onSubmit={(e) => e.preventDefault()}>
        <label>
          Severity
          <select name="severity" value={filters.severity} onChange={(e) => update({ severity: e.currentTarget.value })}>
            <option value="">any</option>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Kind
          <select name="kind" value={filters.kind} onChange={(e) => update({ kind: e.currentTarget.value })}>
            <option value="">any</option>
            {['vulnerability', 'secret', 'malware', 'misconfiguration', 'runtime'].map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input type="checkbox" name="fixable" checked={filters.fixable === 'true'} onChange={(e) => update({ fixable: e.currentTarget.checked ? 'true' : '' })} /> Fixable only
        </label>
        <label>
          Text <input name="text" type="search" value={filters.text} onChange={(e) => update({ text: e.currentTarget.value })} />
        </label>
      </form>
      <Load state={state}>
        {({ items, total }) => {
          if (!items.length) return <p>No findings match.</p>;
          return (
            <table aria-label="Findings">
              <caption>
                {total} finding{total === 1 ? '' : 's'}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Severity</th>
                  <th scope="col">Id</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Package</th>
                  <th scope="col">Fixed in</th>
                  <th scope="col">Title</th>
                </tr>
              </thead>
              <tbody>
                {items.map((f, i) => (
                  <tr key={i} class={f.suppression ? 'suppressed' : ''}>
                    <td>
                      <Severity value={f.severity} />
                    </td>
                    <td>{f.id}</td>
                    <td>{f.kind}</td>
                    <td>{f.target.package ? `${f.target.package.name} ${f.target.package.version}` : (f.target.path ?? '—')}</td>
                    <td>{f.vulnerability?.fixedVersion ?? '—'}</td>
                    <td>{f.title}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          );
        }}
      </Load>
    </section>
  );
}

function Packages({ base }: { base: string }) {
  const state = useApi<{ packages: PackageRow[] }>(`${base}/packages`);
  return (
    <section aria-labelledby="h-packages">
      <h2 id="h-packages">Packages</h2>
      <Load state={state}>
        {({ packages: items }) => {
          if (!items.length) return <p>No packages recorded (the scan was uploaded without its analysis).</p>;
          return (
            <details>
              <summary>{items.length} packages</summary>
              <table aria-label="Packages">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Version</th>
                    <th scope="col">Type</th>
                    <th scope="col">Where</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((p, i) => (
                    <tr key={i}>
                      <td>{p.name}</td>
                      <td>{p.version}</td>
                      <td>{p.type}</td>
                      <td>{p.locations?.map((l) => `${l.path} (layer ${l.layerIndex})`).join(', ') || '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </details>
          );
        }}
      </Load>
    </section>
  );
}

function Scans({ base }: { base: string }) {
  const state = useApi<ScanRow[]>(`${base}/scans`);
  return (
    <section aria-labelledby="h-scans">
      <h2 id="h-scans">Scan history</h2>
      <Load state={state}>
        {(items) => {
          if (!items.length) return <p>No scans.</p>;
          return (
            <table aria-label="Scan history">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Source</th>
                  <th scope="col">Database built</th>
                  <th scope="col">Findings by severity</th>
                </tr>
              </thead>
              <tbody>
                {items.map((s) => {
                  const counts = s.summary;
                  return (
                    <tr key={s.id}>
                      <td>{when(s.createdAt)}</td>
                      <td>{s.source}</td>
                      <td>{when(s.dbBuilt)}</td>
                      <td>
                        {SEVERITIES.filter((k) => counts[k])
                          .map((k) => `${k} ${counts[k]}`)
                          .join(', ') || 'none'}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          );
        }}
      </Load>
    </section>
  );
}
