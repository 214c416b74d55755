/** OS release detection and the OS package catalogers (dpkg, apk, rpm). */
export { osReleaseAnalyzer, detectOs, familyOf, type ReleaseFacts } from './os-release.js';
export { dpkgCataloger } from './dpkg/dpkg-cataloger.js';
export { apkCataloger } from './apk/apk-cataloger.js';
export { passwdAnalyzer, parsePasswd, type PasswdEntry, type PasswdData } from './passwd.js';
export { rpmCataloger } from './rpm/rpm-cataloger.js';
