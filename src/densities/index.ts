export {
  compileDeformation,
  type CompiledDeformation,
  type DeformationOptions,
  type DeformationTerm,
  type HookContext,
  type HookTerm,
  type LocalTerm,
  type NonlocalQuarticTerm,
} from './deformations.js';
export { boxGrid, defaultResolution, type GridResolution } from './interaction-grid.js';
