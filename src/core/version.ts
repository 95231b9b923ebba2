/** Loupe's version, written into bundles and run records. Kept equal to package.json by a test. */
export const LOUPE_VERSION = '0.1.0';
