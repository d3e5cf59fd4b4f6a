import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

// Reproducibility rests on the seed tree: any Math.random in the source is an unseeded draw.
function sourceFiles(directory: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(directory)) {
    const path = join(directory, entry);
    if (statSync(path).isDirectory()) files.push(...sourceFiles(path));
    else if (/\.(ts|mts|js|mjs)$/.test(entry)) files.push(path);
  }
  return files;
}

describe('randomness comes only from the seed tree', () => {
  it('no source file or script calls Math.random', () => {
    const offenders = [...sourceFiles('src'), ...sourceFiles('scripts')].filter((file) =>
      /Math\s*\.\s*random\s*\(/.test(readFileSync(file, 'utf8')),
    );
    expect(offenders).toEqual([]);
  });

  it('only src/backend imports @tensorflow packages', () => {
    const offenders = sourceFiles('src')
      .filter((file) => !file.startsWith(join('src', 'backend')))
      // Import statements only (a doc comment may show users how to import tfjs themselves).
      .filter((file) => /^\s*(import|export)\b[^\n]*from\s+['"]@tensorflow\/|^[^*\n]*import\(\s*['"]@tensorflow\//m.test(readFileSync(file, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
