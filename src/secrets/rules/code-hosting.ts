import type { SecretRule } from '../types.js';
import { prefixed } from './define.js';

/**
 * Source hosting, CI and package registries: tokens that publish code or packages.
 *
 * GitHub (https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/): a
 * prefix naming the token kind, 30 random base62 characters and a 6-character checksum. The checksum
 * encoding is not specified publicly (GitHub's own documentation examples do not carry a valid one),
 * so the rules do not require it: the prefix, alphabet and length are already specific.
 */
export const CODE_HOSTING_RULES: SecretRule[] = [
  prefixed('github-pat', 'GitHub personal access token (classic)', 'high', ['ghp_'], 'ghp_[A-Za-z0-9]{36}'),
  prefixed('github-oauth-token', 'GitHub OAuth access token', 'high', ['gho_'], 'gho_[A-Za-z0-9]{36}'),
  prefixed('github-user-to-server-token', 'GitHub App user-to-server token', 'high', ['ghu_'], 'ghu_[A-Za-z0-9]{36}'),
  prefixed('github-server-to-server-token', 'GitHub App installation (server-to-server) token', 'high', ['ghs_'], 'ghs_[A-Za-z0-9]{36}'),
  prefixed('github-refresh-token', 'GitHub App refresh token', 'high', ['ghr_'], 'ghr_[A-Za-z0-9]{36,76}'),
  // Fine-grained personal access tokens: github_pat_, 22 characters, `_`, 59 characters.
  prefixed('github-fine-grained-pat', 'GitHub fine-grained personal access token', 'high', ['github_pat_'], 'github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}'),
  // https://docs.gitlab.com/ee/security/tokens/#token-prefixes
  prefixed('gitlab-pat', 'GitLab personal, project or group access token', 'high', ['glpat-'], 'glpat-[A-Za-z0-9_-]{20,}(?:\\.[0-9a-z]{2}\\.[0-9a-z]{7,9})?'),
  prefixed('gitlab-runner-token', 'GitLab runner authentication token', 'high', ['glrt-'], 'glrt-[A-Za-z0-9_-]{20,}(?:\\.[0-9a-z]{2}\\.[0-9a-z]{7,9})?'),
  prefixed('gitlab-runner-registration-token', 'GitLab runner registration token', 'high', ['gr1348941'], 'GR1348941[A-Za-z0-9_-]{20,}'),
  prefixed('gitlab-deploy-token', 'GitLab deploy token', 'high', ['gldt-'], 'gldt-[A-Za-z0-9_-]{20,}'),
  prefixed('gitlab-pipeline-trigger-token', 'GitLab pipeline trigger token', 'high', ['glptt-'], 'glptt-[A-Za-z0-9_-]{20,}'),
  prefixed('gitlab-other-token', 'GitLab CI job, feed, OAuth or incoming mail token', 'high',
    ['glcbt-', 'glft-', 'glimt-', 'gloas-', 'glsoat-', 'glagent-'], 'gl(?:cbt|ft|imt|oas|soat|agent)-[A-Za-z0-9_-]{20,}'),
  // https://github.blog/2021-09-23-announcing-npms-new-access-token-format/: npm_ and 36 base62.
  prefixed('npm-access-token', 'npm access token', 'high', ['npm_'], 'npm_[A-Za-z0-9]{36}'),
  // https://pypi.org/help/#apitoken: macaroons serialised as `pypi-` + base64url whose first bytes
  // encode the location "pypi.org" (AgEIcHlwaS5vcmc).
  prefixed('pypi-upload-token', 'PyPI API token', 'high', ['pypi-ageichlwas5vcmc'], 'pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}'),
  // https://docs.docker.com/security/for-developers/access-tokens/: dckr_pat_ (personal), dckr_oat_ (organisation).
  prefixed('dockerhub-token', 'Docker Hub access token', 'high', ['dckr_pat_', 'dckr_oat_'], 'dckr_(?:pat|oat)_[A-Za-z0-9_-]{27,}'),
  // https://guides.rubygems.org/api-key-scopes/: rubygems_ and 48 hex.
  prefixed('rubygems-api-key', 'RubyGems API key', 'high', ['rubygems_'], 'rubygems_[a-f0-9]{48}'),
  // NuGet.org API keys: oy2 and 43 lower-case base32-like characters.
  prefixed('nuget-api-key', 'NuGet API key', 'high', ['oy2'], 'oy2[a-z0-9]{43}', { entropy: 3.5 }),
  // https://developer.atlassian.com/cloud/: API tokens since 2023 start with ATATT3.
  prefixed('atlassian-api-token', 'Atlassian (Jira, Confluence, Bitbucket) API token', 'high', ['atatt3'], 'ATATT3[A-Za-z0-9_=-]{180,200}'),
  // https://developers.linear.app/docs/graphql/working-with-the-graphql-api: lin_api_ and 40.
  prefixed('linear-api-key', 'Linear API key', 'high', ['lin_api_'], 'lin_api_[A-Za-z0-9]{40}'),
  // Postman API keys: PMAK-, 24 hex, -, 34 hex.
  prefixed('postman-api-key', 'Postman API key', 'high', ['pmak-'], 'PMAK-[a-f0-9]{24}-[a-f0-9]{34}'),
  // Buildkite agent and user tokens.
  prefixed('buildkite-token', 'Buildkite API access token', 'high', ['bkua_'], 'bkua_[a-f0-9]{40}'),
  // CircleCI personal API tokens.
  prefixed('circleci-token', 'CircleCI personal API token', 'high', ['ccipat_'], 'CCIPAT_[A-Za-z0-9]{22}_[a-f0-9]{40}'),
  // Sourcegraph access tokens: sgp_ then (optionally an instance id and `_`) 40 hex.
  prefixed('sourcegraph-token', 'Sourcegraph access token', 'high', ['sgp_'], 'sgp_(?:[a-f0-9]{16}_)?[a-f0-9]{40}'),
  // Figma personal access tokens.
  prefixed('figma-token', 'Figma personal access token', 'high', ['figd_'], 'figd_[A-Za-z0-9_-]{40}'),
  // Prefect Cloud API keys.
  prefixed('prefect-api-key', 'Prefect Cloud API key', 'high', ['pnu_'], 'pnu_[A-Za-z0-9]{36}'),
];
