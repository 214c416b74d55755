/**
 * The image checks by id, with the CIS Docker Benchmark section 4 recommendation each follows
 * (numbers as in CIS Docker Benchmark v1.6.0, "4 Container Images and Build File Configuration").
 */
export const IMAGE_CHECK_IDS: Readonly<Record<string, { title: string; cis?: string }>> = {
  'BH-IMG-001': { title: 'Image runs as root', cis: '4.1' },
  'BH-IMG-002': { title: 'No HEALTHCHECK', cis: '4.6' },
  'BH-IMG-003': { title: 'Setuid/setgid files in the final file system', cis: '4.8' },
  'BH-IMG-004': { title: 'Setuid/setgid files in lower layers only', cis: '4.8' },
  'BH-IMG-005': { title: 'SSH server installed or port 22 exposed' },
  'BH-IMG-006': { title: 'ADD fetches remote content', cis: '4.9' },
  'BH-IMG-007': { title: 'ADD used where COPY would do', cis: '4.9' },
  'BH-IMG-008': { title: 'Secret-looking ENV/LABEL/ARG name with a literal value', cis: '4.10' },
  'BH-IMG-009': { title: 'latest or missing tag' },
  'BH-IMG-010': { title: 'Package manager cache left in the image' },
  'BH-IMG-011': { title: 'Image older than the allowed age', cis: '4.4' },
  'BH-IMG-012': { title: 'World-writable directory without the sticky bit' },
  'BH-IMG-013': { title: 'World-writable file in a system path' },
  'BH-IMG-014': { title: 'Package index update alone in a RUN step', cis: '4.7' },
  'BH-IMG-015': { title: 'Build upgrades all packages in place' },
  'BH-IMG-016': { title: 'Downloaded script run without verification', cis: '4.11' },
  'BH-IMG-017': { title: 'Risky service port exposed, or too many ports' },
  'BH-IMG-018': { title: 'SSH host private keys baked into the image' },
};
