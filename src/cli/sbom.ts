import { Command, Option } from 'commander';
import { analyzeImage, ALL_CATALOGERS } from '../catalog/index.js';
import { BulkheadError } from '../errors.js';
import { encodeSbom, type SbomFormat } from '../sbom/index.js';
import { addImageOptions, analyzeOptionsFrom, type ImageFlags } from './image-options.js';
import { writeOutput } from './output.js';
import type { CliContext } from './context.js';

const FORMATS: SbomFormat[] = ['table', 'cyclonedx-json', 'spdx-json', 'json'];

export function sbomCommand(ctx: CliContext): Command {
  const cmd = new Command('sbom')
    .summary('list the packages in an image as a bill of materials')
    .description(
      'Reads an image without running or extracting it and lists every OS and language package with its\n' +
        'version, package URL, and the layer and path it came from.',
    )
    .argument('<image>', 'image reference (see "Image references" below)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(FORMATS).default('table'))
    .option('-o, --output <file>', 'write to FILE instead of standard output (written atomically)');
  addImageOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Image references:
  REGISTRY/REPO[:TAG|@DIGEST]    from a registry (docker:// prefix accepted; "debian" means docker.io/library/debian:latest)
  docker-archive:PATH[:NAME]     a "docker save" tarball
  oci-archive:PATH[:REF]         a tarball of an OCI layout
  oci:DIR[:REF]                  an OCI image layout directory
  docker-daemon:NAME             an image in the local Docker Engine
  dir:PATH                       a root file system (dir:/ inventories this machine)
  sbom:PATH                      an existing CycloneDX or SPDX JSON document

Catalogers: ${ALL_CATALOGERS.map((c) => c.name).join(', ')}

Examples:
  bulkhead sbom debian:12
  bulkhead sbom docker-archive:app.tar --format cyclonedx-json -o app.cdx.json
  bulkhead sbom 127.0.0.1:5000/team/app:1.4 --username ci --password-stdin < pass.txt
  bulkhead sbom dir:/ --format spdx-json -o host.spdx.json`,
  );
  cmd.action(async (image: string, flags: ImageFlags & { format: SbomFormat; output?: string }) => {
    const reporter = ctx.reporter();
    const options = await analyzeOptionsFrom(flags, reporter);
    if (options.catalogers) {
      const known = new Set(ALL_CATALOGERS.map((c) => c.name));
      const unknown = options.catalogers.filter((c) => !known.has(c));
      if (unknown.length) throw new BulkheadError('USAGE', `--catalogers: unknown ${unknown.join(', ')} (known: ${[...known].join(', ')})`);
    }
    const analysis = await analyzeImage(image, options);
    reporter.stop();
    const text = encodeSbom(analysis, flags.format, { toolVersion: ctx.version, color: flags.format === 'table' && !flags.output && process.stdout.isTTY });
    await writeOutput(text.endsWith('\n') ? text : text + '\n', flags.output);
  });
  return cmd;
}
