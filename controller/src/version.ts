/** Versions that enter stage keys: bump COMPILER_VERSION when compiled SQL changes meaning. */
export const QUIVER_VERSION = '0.1.0';
export const COMPILER_VERSION = '2';
export const TRAINER_VERSION = '1';
export const KEY_VERSION = '1';
