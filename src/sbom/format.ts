/** The formats Bulkhead writes an analysis in. */
export type SbomFormat = 'cyclonedx-json' | 'spdx-json' | 'json' | 'table';

export const SBOM_FORMATS: readonly SbomFormat[] = ['cyclonedx-json', 'spdx-json', 'json', 'table'];

export interface EncodeOptions {
  /** Bulkhead's version, recorded as the producing tool. */
  toolVersion?: string;
  /** The document's creation time; fixed in tests. */
  now?: Date;
  /** Table format only: ANSI emphasis for the header row. */
  color?: boolean;
}

/** The tool name and version as documents record them. */
export function toolVersionOf(options: EncodeOptions): string {
  return options.toolVersion ?? 'unknown';
}
