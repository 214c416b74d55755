/** Every CIS Docker Benchmark v1.6.0 check this host benchmark knows, by section. */
import type { CheckDefinition } from '../types.js';
import { SECTION_1 } from './section-1-host.js';
import { SECTION_2 } from './section-2-daemon.js';
import { SECTION_3 } from './section-3-files.js';
import { SECTION_4 } from './section-4-images.js';
import { SECTION_5 } from './section-5-runtime.js';

export const CHECKS_BY_SECTION: Record<number, CheckDefinition[]> = { 1: SECTION_1, 2: SECTION_2, 3: SECTION_3, 4: SECTION_4, 5: SECTION_5 };
export { section3Paths } from './section-3-files.js';
export { AUDITED_PATHS, auditPath } from './section-1-host.js';
