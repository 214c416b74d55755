/** The server's image inventory: stored scans, analyses and findings. */
export { recordScan, loadScan, repositoryOf, imageDigestOf, type RecordScanInput, type RecordedScan } from './record-scan.js';
