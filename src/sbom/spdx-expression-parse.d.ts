// The package ships no types; this is the part of its API Bulkhead uses (README of
// spdx-expression-parse 5: parse(string) returns an AST and throws on an invalid expression).
declare module 'spdx-expression-parse' {
  interface LicenseNode {
    license: string;
    plus?: true;
    exception?: string;
  }
  interface ConjunctionNode {
    left: LicenseNode | ConjunctionNode;
    conjunction: 'and' | 'or';
    right: LicenseNode | ConjunctionNode;
  }
  function parse(expression: string): LicenseNode | ConjunctionNode;
  export = parse;
}
