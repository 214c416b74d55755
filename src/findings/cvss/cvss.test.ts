/**
 * Table tests from the FIRST documents: the worked examples of the CVSS v2 guide (section 3.3), the
 * CVSS v3.1 Examples document, the v3.1 / v4.0 rating scales, and the vector-string rules. The
 * bulk of the scoring is checked against a reference implementation in reference.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bestCvss, cvssScore, parseCvss, severityFromCvss } from './index.js';
import { roundUpV30, roundUpV31 } from './v3.js';

describe('cvssScore on the FIRST worked examples', () => {
  const cases: [source: string, vector: string, score: number][] = [
    // CVSS v2 guide section 3.3.1-3.3.3.
    ['v2 guide 3.3.1 CVE-2002-0392', 'AV:N/AC:L/Au:N/C:N/I:N/A:C', 7.8],
    ['v2 guide 3.3.2 CVE-2003-0818', 'AV:N/AC:L/Au:N/C:C/I:C/A:C', 10.0],
    ['v2 guide 3.3.3 CVE-2003-0062', 'AV:L/AC:H/Au:N/C:C/I:C/A:C', 6.2],
    // CVSS v3.1 Examples document.
    ['v3.1 examples CVE-2013-1937', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', 6.1],
    ['v3.1 examples CVE-2013-0375', 'CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N', 6.4],
    ['v3.1 examples CVE-2014-3566', 'CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N', 3.1],
    ['v3.1 examples CVE-2014-0160', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N', 7.5],
    ['v3.1 examples CVE-2014-6271', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8],
    ['v3.1 examples CVE-2012-1516', 'CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H', 9.9],
    // FIRST v4.0 reference calculator (cvss40.js class documentation): a CVSS-BTE vector.
    ['v4.0 reference calculator', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:L/SC:N/SI:N/SA:N/E:A/MAV:A', 8.7],
  ];
  for (const [source, vector, score] of cases) {
    it(`${source}: ${vector} → ${score}`, () => {
      assert.equal(cvssScore(vector)?.score, score);
    });
  }

  it('v4.0: a vector in a MacroVector highest-severity class scores the published MacroVector score', () => {
    // 000100 (all EQs at their worst but EQ4 = 1) is published as 10 in the FIRST lookup table.
    assert.deepEqual(cvssScore('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H'), {
      version: '4.0',
      score: 10,
      severity: 'critical',
    });
  });

  it('v4.0 section 8.2: no impact on either system scores 0.0 whatever else is set', () => {
    const r = cvssScore('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/E:A');
    assert.deepEqual(r, { version: '4.0', score: 0, severity: 'negligible' });
  });

  it('v4.0: Threat metrics lower the score (CVSS-BT), Environmental ones change it (CVSS-BE)', () => {
    const base = cvssScore('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N')!.score;
    const unreported = cvssScore('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U')!.score;
    const safety = cvssScore('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MSI:S')!.score;
    assert.ok(unreported < base);
    assert.ok(safety > base);
  });

  it('v2 and v3: Temporal and Environmental metrics do not change the Base score', () => {
    assert.equal(cvssScore('AV:N/AC:L/Au:N/C:N/I:N/A:C/E:U/RL:OF/RC:C/CDP:H/TD:H/CR:M/IR:M/AR:H')?.score, 7.8);
    assert.equal(cvssScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/RC:U/MAV:P')?.score, 9.8);
  });
});

describe('v3 Roundup', () => {
  it('rounds up to one decimal (v3.0 section 8.1, v3.1 Appendix A examples)', () => {
    for (const roundUp of [roundUpV30, roundUpV31]) {
      assert.equal(roundUp(4.02), 4.1);
      assert.equal(roundUp(4.0), 4.0);
    }
  });

  it('v3.1 does not round floating-point noise up, v3.0 does (the reason for Appendix A)', () => {
    const noisy = 0.1 + 0.2; // 0.30000000000000004
    assert.equal(roundUpV31(noisy), 0.3);
    assert.equal(roundUpV30(noisy), 0.4);
  });
});

describe('parseCvss', () => {
  it('accepts the forms each version defines', () => {
    assert.equal(parseCvss('AV:N/AC:L/Au:N/C:P/I:P/A:P')?.version, '2.0');
    assert.equal(parseCvss('(AV:N/AC:L/Au:N/C:P/I:P/A:P)')?.vector, 'AV:N/AC:L/Au:N/C:P/I:P/A:P');
    assert.equal(parseCvss('  CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\n')?.version, '3.0');
    assert.equal(parseCvss('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/U:Amber')?.metrics['U'], 'Amber');
  });

  it('accepts v3 and v4 metrics in any order, v2 only in the guide order', () => {
    assert.ok(parseCvss('CVSS:3.1/C:H/I:H/A:H/AV:N/AC:L/PR:N/UI:N/S:U'));
    // Interleaved order as published in github/advisory-database#7448.
    assert.ok(parseCvss('CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/SC:N/VI:H/SI:N/VA:H/SA:N'));
    assert.equal(parseCvss('AC:L/AV:N/Au:N/C:P/I:P/A:P'), undefined);
  });

  const invalid: [reason: string, vector: string][] = [
    ['empty', ''],
    ['unknown version', 'CVSS:3.2/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'],
    ['v3 without prefix', 'AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'],
    ['missing Base metric', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H'],
    ['repeated metric', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/AV:L'],
    ['empty component', 'CVSS:3.1/AV:N//AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'],
    ['trailing slash', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/'],
    ['value case', 'CVSS:3.1/AV:n/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'],
    ['Not Defined Base metric', 'CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'],
    ['v3 value in v2', 'AV:N/AC:L/Au:N/C:H/I:P/A:P'],
    ['v2 Not Defined is ND, not X', 'AV:N/AC:L/Au:N/C:P/I:P/A:P/E:X'],
    ['v4 Base SI cannot be Safety', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N'],
    ['v4 MSC cannot be Safety', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MSC:S'],
    ['two colons', 'CVSS:3.1/AV:N:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'],
    ['prototype key', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/__proto__:X'],
  ];
  for (const [reason, vector] of invalid) {
    it(`rejects: ${reason}`, () => {
      assert.equal(parseCvss(vector), undefined);
      assert.equal(cvssScore(vector), undefined);
    });
  }
});

describe('severityFromCvss', () => {
  it('v3.x and v4.0 follow the FIRST rating scale, None as negligible', () => {
    const cases: [number, string][] = [
      [0, 'negligible'], [0.1, 'low'], [3.9, 'low'], [4, 'medium'], [6.9, 'medium'],
      [7, 'high'], [8.9, 'high'], [9, 'critical'], [10, 'critical'],
    ];
    for (const version of ['3.0', '3.1', '4.0']) {
      for (const [score, severity] of cases) assert.equal(severityFromCvss(version, score), severity, `${version} ${score}`);
    }
  });

  it('v2.0 follows the NVD scale', () => {
    const cases: [number, string][] = [[0, 'low'], [3.9, 'low'], [4, 'medium'], [6.9, 'medium'], [7, 'high'], [10, 'high']];
    for (const [score, severity] of cases) assert.equal(severityFromCvss('2.0', score), severity, String(score));
  });

  it('is unknown for unknown versions and impossible scores', () => {
    assert.equal(severityFromCvss('5.0', 5), 'unknown');
    assert.equal(severityFromCvss('3.1', 11), 'unknown');
    assert.equal(severityFromCvss('3.1', Number.NaN), 'unknown');
  });
});

describe('bestCvss', () => {
  const v2 = 'AV:N/AC:L/Au:N/C:P/I:P/A:P';
  const v30 = 'CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H';
  const v31 = 'CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N';
  const v40 = 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N';

  it('keeps every valid CVSS entry, v3.1 first, then v4.0, v3.0, v2.0', () => {
    const scores = bestCvss(
      [
        { type: 'CVSS_V2', score: v2 },
        { type: 'CVSS_V3', score: v30 },
        { type: 'CVSS_V4', score: v40 },
        { type: 'CVSS_V3', score: v31 },
      ],
      'nvd',
    );
    assert.deepEqual(scores.map((s) => s.version), ['3.1', '4.0', '3.0', '2.0']);
    assert.deepEqual(scores[0], { version: '3.1', vector: v31, score: cvssScore(v31)!.score, severity: 'low', source: 'nvd' });
  });

  it('leaves out non-CVSS types, invalid vectors and repeats', () => {
    const scores = bestCvss([
      { type: 'Ubuntu', score: 'medium' },
      { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N' },
      { type: 'CVSS_V4', score: v40 },
      { type: 'CVSS_V4', score: v40 },
    ]);
    assert.equal(scores.length, 1);
    assert.equal(scores[0]?.version, '4.0');
    assert.equal('source' in scores[0]!, false);
  });

  it('returns an empty list when nothing is scorable', () => {
    assert.deepEqual(bestCvss([]), []);
  });
});
