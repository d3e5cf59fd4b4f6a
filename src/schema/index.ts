/** Reading nnft's JSON file formats: located syntax errors, schema validation, friendly issues. */
export { validateAgainstSchema, loadSchema, schemaFile, SCHEMA_DIRECTORY } from './validate-against-schema.js';
export { parseJsonSource, SourceLocations, type SourcePosition, type JsonSourceResult } from './json-source.js';
export { formatPath, parsePath, pointerToSegments, type PathSegment } from './json-path.js';
export { didYouMean, editDistance } from './did-you-mean.js';
export { describeValue, sortByPosition } from './ajv-issues.js';
