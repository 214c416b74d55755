/**
 * Stable ids of the policy rules, in the order results list them. Exceptions name rules by these
 * ids, and later gates (admission, runtime) report them: never rename one.
 */
export const RULE_TITLES = {
  'trusted-registry': 'Image comes from a trusted registry',
  'trusted-repository': 'Image comes from a trusted repository',
  signature: 'Image is signed by a trusted key or identity',
  'vulnerability-severity': 'No vulnerability above the maximum severity',
  'vulnerability-cvss': 'No vulnerability above the maximum CVSS score',
  'vulnerability-kev': 'No known exploited vulnerability (CISA KEV)',
  'denied-package': 'No denied package',
  'denied-license': 'No package under a denied license only',
  secrets: 'No secret in the image',
  malware: 'No malware in the image',
  'non-root-user': 'Image runs as a non-root user',
  healthcheck: 'Image defines a HEALTHCHECK',
  'image-age': 'Image is younger than the maximum age',
  'required-labels': 'Image carries the required labels',
  'container-age': 'Container is younger than its time to live',
  privileged: 'Container is not privileged',
  'host-namespaces': 'Container shares no host namespace',
  'docker-socket': 'Container does not mount the Docker socket',
  capabilities: 'Container adds no capability beyond those allowed',
  'host-paths': 'Container mounts no sensitive host path',
  'read-only-rootfs': 'Container root filesystem is read-only',
  'resource-limits': 'Container sets the required resource limits',
  'unconfined-profile': 'Container is confined by seccomp and AppArmor',
  'no-new-privileges': 'Container cannot gain new privileges',
} as const;

export type RuleId = keyof typeof RULE_TITLES;

export const RULE_IDS = Object.keys(RULE_TITLES) as [RuleId, ...RuleId[]];
