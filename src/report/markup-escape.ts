/**
 * Escaping for XML (JUnit) and HTML reports. Titles, package names and paths come from advisories
 * and image contents, so they are hostile input: every string goes through here before it lands in
 * markup.
 */

// XML 1.0 §2.2 "Char": tab, LF, CR and U+0020..U+D7FF, U+E000..U+FFFD, U+10000..U+10FFFF. Anything
// else (other C0 controls, lone surrogates, U+FFFE/U+FFFF) makes a document not well-formed even
// when escaped as a character reference, so it is replaced.
// eslint-disable-next-line no-control-regex
const NOT_XML_CHAR = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;

/** Text content of an element. */
export function escapeXmlText(text: string): string {
  return text.replace(NOT_XML_CHAR, '\ufffd').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A double-quoted attribute value. Tab, LF and CR are written as character references because
 * attribute-value normalisation (XML 1.0 §3.3.3) would otherwise turn them into spaces.
 */
export function escapeXmlAttr(text: string): string {
  return escapeXmlText(text)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}

/** Text or double-quoted attribute content in HTML (HTML Living Standard §13.1.2.6 / §13.1.2.3). */
export function escapeHtml(text: string): string {
  return text
    .replace(NOT_XML_CHAR, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
