import type { ScanResult } from '../findings/scan-result.js';
import type { Finding } from '../findings/types.js';
import { createdByLabel, failsGate, fixedLabel, layerLabel, sortFindings } from './finding-view.js';
import { escapeXmlAttr as attr, escapeXmlText as text } from './markup-escape.js';

/**
 * JUnit XML as Jenkins (junit / xunit plugins) and GitLab (`artifacts:reports:junit`) read it; the
 * shape follows the xunit plugin's junit-10.xsd (schemas/junit-10.xsd). One <testsuite> per package
 * type (findings without a package: per finding kind), one <testcase> per package and vulnerability.
 * An active finding at or above the scan's `failOn` (every active finding when there is none) is a
 * <failure>; a suppressed one is <skipped> with the suppression's reason; the rest pass.
 */
export function renderJunit(result: ScanResult): string {
  const suites = new Map<string, Finding[]>();
  for (const f of sortFindings(result.findings)) {
    const key = f.target.package?.type ?? f.kind;
    suites.set(key, [...(suites.get(key) ?? []), f]);
  }
  const failOn = result.options.failOn;
  const counts = (fs: Finding[]) => ({
    tests: fs.length,
    failures: fs.filter((f) => failsGate(f, failOn)).length,
    skipped: fs.filter((f) => f.suppression).length,
  });
  const all = counts(result.findings);
  const name = `bulkhead scan ${result.image.reference}`;
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${attr(name)}" tests="${all.tests}" failures="${all.failures}" errors="0" time="0">`,
  ];
  const timestamp = result.createdAt.replace(/\.\d+Z$/, '').replace(/Z$/, '');
  const entries = suites.size > 0 ? [...suites] : [['vulnerability', []] as [string, Finding[]]];
  for (const [type, findings] of entries) {
    const c = counts(findings);
    out.push(
      `  <testsuite name="${attr(type)}" tests="${c.tests}" failures="${c.failures}" errors="0" skipped="${c.skipped}" time="0" timestamp="${attr(timestamp)}" package="${attr(result.image.reference)}">`,
      '    <properties>',
      ...properties(result).map(([k, v]) => `      <property name="${attr(k)}" value="${attr(v)}"/>`),
      '    </properties>',
    );
    for (const f of findings) out.push(...testcase(f, failOn));
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}

function properties(result: ScanResult): [string, string][] {
  const props: [string, string | undefined][] = [
    ['image', result.image.reference],
    ['image.digest', result.image.manifestDigest ?? result.image.configDigest],
    ['os', result.os ? [result.os.id, result.os.versionId].filter(Boolean).join(' ') : undefined],
    ['fail-on', result.options.failOn],
    ['tool.version', result.tool.version],
  ];
  return props.filter((p): p is [string, string] => p[1] !== undefined);
}

function testcase(f: Finding, failOn: ScanResult['options']['failOn']): string[] {
  const pkg = f.target.package;
  const classname = pkg ? `${pkg.type}/${pkg.name}` : (f.target.path ?? f.kind);
  const name = pkg ? `${f.id} ${pkg.name}@${pkg.version}` : `${f.id} ${f.target.path ?? ''}`.trim();
  const open = `    <testcase classname="${attr(classname)}" name="${attr(name)}" time="0"`;
  if (f.suppression) {
    const s = f.suppression;
    return [
      `${open}>`,
      `      <skipped message="${attr(`suppressed (${s.kind}): ${s.reason}`)}">${text(`source: ${s.source}${s.expires ? `\nexpires: ${s.expires}` : ''}`)}</skipped>`,
      '    </testcase>',
    ];
  }
  if (!failsGate(f, failOn)) return [`${open}/>`];
  return [
    `${open}>`,
    `      <failure type="${attr(f.severity)}" message="${attr(`${f.severity}: ${f.title}`)}">${text(details(f))}</failure>`,
    '    </testcase>',
  ];
}

function details(f: Finding): string {
  const pkg = f.target.package;
  const v = f.vulnerability;
  const lines: [string, string | undefined][] = [
    ['id', v && v.ids.length > 1 ? `${f.id} (${v.ids.slice(1).join(', ')})` : f.id],
    ['severity', `${f.severity}${f.severitySource ? ` (${f.severitySource})` : ''}`],
    ['package', pkg ? `${pkg.name} ${pkg.version} (${pkg.type})` : undefined],
    ['fixed', v ? fixedLabel(f) : undefined],
    ['path', f.target.path],
    ['layer', layerLabel(f) || undefined],
    ['created by', createdByLabel(f) || undefined],
    ['title', f.title],
    ['remediation', f.remediation],
    ['references', v?.references.slice(0, 5).join(' ')],
  ];
  return lines.filter(([, value]) => value).map(([k, value]) => `${k}: ${value}`).join('\n');
}
