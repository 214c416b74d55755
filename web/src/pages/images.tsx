/** Images with filters (repository, worst severity, fixable) and paging: GET /api/v1/images. */
import { query } from '../api.js';
import { Load, SEVERITIES, Severity, Status, shortDigest, when } from '../components/status.js';
import { useApi } from '../components/use-api.js';
import { setQuery, usePath } from '../router.js';

/** An image as GET /api/v1/images lists it (src/server/routes/images.ts). */
export interface ImageRow {
  digest: string;
  repository: string;
  configDigest: string | null;
  os: string | null;
  firstSeen: string;
  lastScannedAt: string | null;
  worstSeverity: string | null;
  /** Active findings per severity, and `fixable`. */
  counts: Record<string, number>;
  signatureStatus: string;
  policyStatus: string;
}

const PAGE = 50;

export function ImagesPage() {
  const { params } = usePath();
  const filters = { repository: params.get('repository') ?? '', severity: params.get('severity') ?? '', fixable: params.get('fixable') ?? '' };
  const offset = Number(params.get('offset') ?? 0) || 0;
  const state = useApi<{ total: number; items: Array<ImageRow & { tags: string[] }> }>(`/images${query({ ...filters, limit: PAGE, offset })}`);
  const update = (patch: Partial<typeof filters> & { offset?: string }) => setQuery({ ...filters, offset: undefined, ...patch });
  return (
    <>
      <h1>Images</h1>
      <form class="filters" role="search" aria-label="Filter images" onSubmit={(e) => e.preventDefault()}>
        <label>
          Repository <input name="repository" value={filters.repository} onChange={(e) => update({ repository: e.currentTarget.value })} />
        </label>
        <label>
          Worst severity
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
          <input type="checkbox" name="fixable" checked={filters.fixable === 'true'} onChange={(e) => update({ fixable: e.currentTarget.checked ? 'true' : '' })} /> Has fixable vulnerabilities
        </label>
      </form>
      <Load state={state}>
        {({ items, total }) => {
          return (
            <>
              <ImageTable images={items} />
              <nav aria-label="Pages" class="pager">
                {offset > 0 && (
                  <button type="button" onClick={() => update({ offset: String(Math.max(0, offset - PAGE)) })}>
                    Previous
                  </button>
                )}
                <span>
                  {items.length ? `${offset + 1}–${offset + items.length}` : '0'}
                  {` of ${total}`}
                </span>
                {offset + items.length < total && (
                  <button type="button" onClick={() => update({ offset: String(offset + PAGE) })}>
                    Next
                  </button>
                )}
              </nav>
            </>
          );
        }}
      </Load>
    </>
  );
}

export function ImageTable({ images }: { images: Array<ImageRow & { tags: string[] }> }) {
  if (!images.length) return <p>No images match.</p>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Repository</th>
          <th scope="col">Digest</th>
          <th scope="col">Worst</th>
          <th scope="col">Findings</th>
          <th scope="col">Fixable</th>
          <th scope="col">Signature</th>
          <th scope="col">Policy</th>
          <th scope="col">Scanned</th>
        </tr>
      </thead>
      <tbody>
        {images.map((image) => {
          const counts = image.counts;
          const findings = SEVERITIES.reduce((n, s) => n + (counts[s] ?? 0), 0);
          return (
            <tr key={image.digest}>
              <td>
                <a href={`/images/${encodeURIComponent(image.digest)}`}>{image.repository}</a>
                {image.tags.length ? <span class="tags"> {image.tags.map((t) => t.slice(t.lastIndexOf(':') + 1)).join(', ')}</span> : null}
              </td>
              <td>
                <code title={image.digest}>{shortDigest(image.digest)}</code>
              </td>
              <td>
                <Severity value={image.worstSeverity} />
              </td>
              <td>{findings}</td>
              <td>{counts['fixable'] ?? 0}</td>
              <td>
                <Status value={image.signatureStatus} />
              </td>
              <td>
                <Status value={image.policyStatus} />
              </td>
              <td>{when(image.lastScannedAt)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
