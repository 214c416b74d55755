/**
 * A file inside the image (or the image reference itself) as a SARIF `artifactLocation.uri`, which
 * must be a URI reference (SARIF 2.1.0 §3.4.3, RFC 3986 §4.1). Each path segment is percent-encoded
 * except the characters RFC 3986 allows in a segment unencoded (`pchar`: unreserved, sub-delims,
 * `:` and `@`), so `usr/lib/node_modules/@scope/x/package.json` stays readable. A `:` in the first
 * segment would read as a scheme, so there it stays encoded unless the text is already a URI
 * (`docker-archive:/x.tar`, `oci:/layout`).
 */
const PCHAR_KEEP = /%(2[146-9A-C]|3[ABD]|40)/gi; // ! $ & ' ( ) * + , ; = : @

// encodeURIComponent throws on a lone surrogate; file names in a layer tar can hold any bytes
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function imageRelativeUri(path: string): string {
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:/.exec(path)?.[0];
  const rest = scheme ? path.slice(scheme.length) : path.replace(/^\/+/, '');
  const segments = rest.split('/').map((segment, i) => {
    const encoded = encodeURIComponent(segment.replace(LONE_SURROGATE, '\ufffd')).replace(PCHAR_KEEP, (m) => decodeURIComponent(m));
    return i === 0 && !scheme ? encoded.replace(/:/g, '%3A') : encoded;
  });
  return (scheme ?? '') + segments.join('/');
}
