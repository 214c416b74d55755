import { PackageURL } from 'packageurl-js';
import type { PackageType } from '../types.js';

/** Builds a package URL (purl spec); undefined when the parts do not make a valid one. */
export function purlOf(type: PackageType, namespace: string | undefined, name: string, version: string): string | undefined {
  try {
    return new PackageURL(type, namespace || null, name, version || null, null, null).toString();
  } catch {
    return undefined;
  }
}

/**
 * A Go module path as a purl: everything before the last `/` is the namespace
 * (PURL-TYPES "golang": `pkg:golang/github.com/gorilla/context@234fd47e`).
 */
export function goPurl(modulePath: string, version: string): string | undefined {
  const slash = modulePath.lastIndexOf('/');
  return slash < 0
    ? purlOf('golang', undefined, modulePath, version)
    : purlOf('golang', modulePath.slice(0, slash), modulePath.slice(slash + 1), version);
}
