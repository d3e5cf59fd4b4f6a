/** nnft's own version, recorded in every output's provenance. Keep in step with package.json. */
export const NNFT_VERSION = '0.1.0';
