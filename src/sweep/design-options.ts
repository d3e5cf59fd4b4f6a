/**
 * What `nnft design` accepts, for a sweep's design options: the one table lives with the design
 * settings (src/design/design-settings.ts); the design command checks its flags with it, the library
 * checks settings given as data with it, and a sweep checks every point's options with it, so a value
 * the command would refuse is refused by `nnft sweep --dry-run` too.
 */
export {
  DESIGN_OPTION_RULES,
  DESIGN_OPTION_ORDER,
  MAX_DESIGN_WIDTH,
  MAX_DESIGN_ENSEMBLE,
  MAX_VALIDATION_ENSEMBLE,
} from '../design/design-settings.js';
