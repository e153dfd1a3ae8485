import matter from "gray-matter";
import type { DumpOptions } from "js-yaml";

/**
 * gray-matter's YAML engine, through which brain reads and writes every
 * frontmatter block: `parse` is js-yaml's `safeLoad` (YAML 1.1 core types
 * only, no functions or regexps), `stringify` its `safeDump`. Only
 * src/core/frontmatter-split.ts decides where a block begins and ends;
 * gray-matter's own splitter is not used. gray-matter's type declarations
 * leave its `engines` out, so they are typed here, once.
 */
export interface YamlEngine {
  parse(text: string): unknown;
  stringify(data: unknown, options?: DumpOptions): string;
}

export const yamlEngine: YamlEngine = (matter as unknown as { engines: { yaml: YamlEngine } }).engines.yaml;
