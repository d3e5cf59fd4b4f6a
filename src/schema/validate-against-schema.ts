/**
 * One ajv instance (JSON Schema 2020-12, strict, allErrors) for every nnft file format. Schemas live
 * in the package's schema/ folder as `<id>.schema.json`; they are found relative to this module so
 * the same code works from src/ (vitest) and dist/ (the installed CLI), both two levels below the
 * package root. Each schema is read and compiled once, on first use.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import { NnftError, type InputIssue } from '../errors.js';
import { ajvErrorsToIssues } from './ajv-issues.js';
import type { SourceLocations } from './json-source.js';

export const SCHEMA_DIRECTORY = fileURLToPath(new URL('../../schema/', import.meta.url));

interface CompiledSchema {
  schema: Record<string, unknown>;
  validate: ValidateFunction;
}

let ajvInstance: Ajv2020 | undefined;
const compiled = new Map<string, CompiledSchema>();

function ajv(): Ajv2020 {
  // discriminator: tagged unions (interaction kind, correlator method) report errors of the chosen
  // variant only, instead of one error per variant. verbose: errors carry data and parent schema,
  // which the issue messages need (what was found, which keys are allowed).
  ajvInstance ??= new Ajv2020({ strict: true, allErrors: true, discriminator: true, allowUnionTypes: true, verbose: true });
  return ajvInstance;
}

/** Absolute path of the schema file for an id such as "target". */
export function schemaFile(schemaId: string): string {
  return join(SCHEMA_DIRECTORY, `${schemaId}.schema.json`);
}

/** The parsed schema document for an id (for tools and tests). */
export function loadSchema(schemaId: string): Record<string, unknown> {
  return compile(schemaId).schema;
}

function compile(schemaId: string): CompiledSchema {
  const cached = compiled.get(schemaId);
  if (cached) return cached;
  if (!/^[a-z][a-z0-9-]*$/.test(schemaId)) throw new NnftError('E_INTERNAL', `invalid schema id ${JSON.stringify(schemaId)}`);
  let schema: Record<string, unknown>;
  try {
    schema = JSON.parse(readFileSync(schemaFile(schemaId), 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new NnftError('E_INTERNAL', `cannot load the ${schemaId} schema`, {
      hint: 'the package is incomplete: its schema/ folder must ship with it',
      cause: error,
    });
  }
  const entry = { schema, validate: ajv().compile(schema) };
  compiled.set(schemaId, entry);
  return entry;
}

/**
 * Validate parsed JSON against the schema `schemaId` and return every problem as an issue with a
 * dotted path (empty when valid). Pass the source locations from parseJsonSource to get line:column.
 * `definition` validates against one entry of the schema's $defs instead of the whole document
 * (e.g. a correlator block read from a separate file).
 */
export function validateAgainstSchema(
  schemaId: string,
  data: unknown,
  options: { locations?: SourceLocations; definition?: string } = {},
): InputIssue[] {
  const { schema, validate } = compile(schemaId);
  const validator = options.definition === undefined ? validate : definitionValidator(schemaId, schema, options.definition);
  if (validator(data)) return [];
  return ajvErrorsToIssues(validator.errors ?? [], schema, data, options.locations);
}

function definitionValidator(schemaId: string, schema: Record<string, unknown>, definition: string): ValidateFunction {
  const definitions = (schema.$defs ?? {}) as Record<string, unknown>;
  const id = typeof schema.$id === 'string' ? schema.$id : undefined;
  const validator = id && definition in definitions ? ajv().getSchema(`${id}#/$defs/${definition}`) : undefined;
  if (!validator) throw new NnftError('E_INTERNAL', `the ${schemaId} schema has no definition ${JSON.stringify(definition)}`);
  return validator;
}
