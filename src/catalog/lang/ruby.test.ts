import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { gemCataloger } from './ruby-gems.js';
import { catalogDirectory, catalogFiles } from './testing/catalog-dir.js';

const hasRuby = (() => {
  try {
    execFileSync('ruby', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('installed gem specifications, compared with RubyGems', { skip: hasRuby ? false : 'ruby is not installed (apt-get install ruby)' }, () => {
  it('reads every specification RubyGems loads, default gems included', async () => {
    // the reference: RubyGems' own loaded specifications, with the file each came from
    const script = 'require "json"; puts Gem::Specification.map { |s| { name: s.name, version: s.version.to_s, licenses: s.licenses, summary: s.summary, path: s.loaded_from, default: s.default_gem? } }.to_json';
    const reference = JSON.parse(execFileSync('ruby', ['-e', script], { encoding: 'utf8' })) as {
      name: string; version: string; licenses: string[]; summary: string | null; path: string; default: boolean;
    }[];
    assert.ok(reference.some((r) => r.default), 'default gems are present');
    const gemPath = execFileSync('gem', ['env', 'gempath'], { encoding: 'utf8' }).trim().split(':');
    const found = [];
    for (const dir of gemPath) {
      const specs = `${dir}/specifications`;
      if (!existsSync(specs)) continue;
      const { packages, warnings } = await catalogDirectory(gemCataloger, specs, { prefix: specs.slice(1) + '/' });
      assert.deepEqual(warnings, []);
      found.push(...packages);
    }
    const byPath = new Map(found.map((p) => [`/${p.locations[0]!.path}`, p]));
    // RubyGems loads one spec per name-version (the first on the gem path); a copy of the same gem in
    // another gem directory is still a file in the image, so it is reported too
    const ids = (xs: { name: string; version: string }[]) => new Set(xs.map((x) => `${x.name}@${x.version}`));
    assert.deepEqual(ids(found), ids(reference));
    for (const ref of reference) {
      const pkg = byPath.get(ref.path);
      assert.ok(pkg, `found ${ref.path}`);
      assert.equal(pkg.name, ref.name);
      assert.equal(pkg.version, ref.version);
      assert.equal(pkg.purl, `pkg:gem/${ref.name}@${ref.version}`);
      assert.deepEqual(pkg.licenses ?? [], ref.licenses);
      if (ref.summary) assert.equal(pkg.description, ref.summary);
    }
  });
});

describe('Gemfile.lock', () => {
  it('reads GEM and GIT specs, not dependencies or the local PATH gem', async () => {
    // Bundler's lockfile layout (bundler docs, "Gemfile.lock")
    const lock = [
      'GIT', '  remote: https://example.invalid/rack.git', '  revision: 0123', '  specs:', '    rack (3.0.0)', '',
      'PATH', '  remote: .', '  specs:', '    myapp (0.1.0)', '      rails (~> 7.0)', '',
      'GEM', '  remote: https://rubygems.org/', '  specs:', '    actionpack (7.0.4)', '      rack (~> 2.0, >= 2.2.0)',
      '    nokogiri (1.14.2-x86_64-linux)', '      racc (~> 1.4)', '    racc (1.6.2)', '',
      'PLATFORMS', '  x86_64-linux', '', 'DEPENDENCIES', '  actionpack', '', 'BUNDLED WITH', '   2.4.6', '',
    ].join('\n');
    const { packages } = await catalogFiles(gemCataloger, { 'app/Gemfile.lock': lock });
    assert.deepEqual(packages.map((p) => [p.name, p.version, p.cataloger]), [
      ['rack', '3.0.0', 'gem-lockfile'],
      ['actionpack', '7.0.4', 'gem-lockfile'],
      ['nokogiri', '1.14.2', 'gem-lockfile'],
      ['racc', '1.6.2', 'gem-lockfile'],
    ]);
  });

  it('only takes gemspecs from specifications folders', async () => {
    const spec = 'Gem::Specification.new do |s|\n  s.name = "x".freeze\n  s.version = "1.0"\nend\n';
    const { packages, warnings } = await catalogFiles(gemCataloger, {
      'usr/lib/ruby/gems/3.1.0/specifications/x-1.0.gemspec': spec,
      'usr/lib/ruby/gems/3.1.0/gems/x-1.0/x.gemspec': spec,
      'var/lib/gems/3.1.0/specifications/broken.gemspec': 'garbage',
    });
    assert.deepEqual(packages.map((p) => p.locations[0]!.path), ['usr/lib/ruby/gems/3.1.0/specifications/x-1.0.gemspec']);
    assert.equal(warnings.length, 1);
  });
});
