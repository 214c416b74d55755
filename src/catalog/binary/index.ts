import type { Cataloger } from '../cataloger.js';
import { goBinaryCataloger } from './go-cataloger.js';
import { javaArchiveCataloger } from './java-cataloger.js';
import { rustBinaryCataloger } from './rust-cataloger.js';

/** Catalogers that read packages out of archives and compiled programs: Java, Go, Rust. */
export const binaryCatalogers: Cataloger[] = [javaArchiveCataloger, goBinaryCataloger, rustBinaryCataloger];

export { createJavaArchiveCataloger } from './java-cataloger.js';
export type { ArchiveLimits } from './archive-limits.js';
