/** nnft's public library API. The CLI uses only what is exported here and in the modules below. */
export * from './errors.js';
export * from './random/index.js';
export * from './theory/theory.js';
export { loadTarget, type LoadedTarget } from './theory/load-target.js';
export * from './backend/index.js';
export { runDoctor, type DoctorReport } from './backend/doctor.js';
export * from './io/result.js';
export * from './io/events.js';
export { writeFileAtomic, writeJsonAtomic } from './io/atomic-write.js';
export { NNFT_VERSION } from './version.js';
