import { formatCommitSubject } from "../core/commit/subject.js";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { UsageError } from "../core/errors.js";
import { findRepositoryRoot, initRepository } from "./git/repository.js";
import { configureMergeDrivers, withMergeAttributes } from "./merge-driver.js";
import { workspaceTemplates } from "./package-files.js";
import { readConfig, type Workspace } from "./workspace/open.js";
import { writeWorkspace } from "./workspace/transaction.js";
import type { CommitInfo } from "./workspace/commit.js";

const AGENTS_FILE = "AGENTS.md";
const PROTOCOL_BLOCK = "protocol";
const PROTOCOL_START = `<!-- brain:${PROTOCOL_BLOCK}:start -->`;

/**
 * The edit that gives an existing AGENTS.md the template's protocol block
 * (byte-preserving, through the rules-file splicer); null when the template
 * has none. The markdown parser is loaded only when AGENTS.md lacks the block.
 */
async function addProtocol(source: string, template: string): Promise<string | null> {
  const { readBlock, upsertBlock } = await import("../core/consolidation/rules-file.js");
  const block = readBlock(template, PROTOCOL_BLOCK);
  return block === null ? null : upsertBlock(source, PROTOCOL_BLOCK, block);
}

export interface InitOptions {
  /** Folder to start from (default process.cwd()). */
  cwd?: string;
  /** Folder to make a workspace of, relative to cwd (default: cwd itself). */
  dir?: string;
  /** false: no `git init` and no commit. */
  commit?: boolean;
}

export interface InitResult {
  root: string;
  /** Files brain created. */
  created: string[];
  /** Files that existed and were left exactly as they were. */
  kept: string[];
  /** Existing files brain added to: `.gitignore` gaining `.brain/`, `.gitattributes` gaining brain's merge drivers, AGENTS.md gaining the protocol block. */
  updated: string[];
  /** Merge drivers newly defined in the repository's `.git/config` (see `brain sync`). */
  mergeDrivers: string[];
  gitInitialized: boolean;
  commit: CommitInfo;
  warnings: string[];
}

/**
 * Makes `dir` a brain workspace from `templates/workspace/`, adding only
 * what is missing: an existing file is never overwritten, so running it in an
 * OpenClaw or Mjolnir-Brain workspace keeps everything there. Runs `git init`
 * when the folder is not in a repository, and commits what it created.
 * Idempotent: a second run creates nothing and commits nothing.
 */
export async function initWorkspace(options: InitOptions = {}): Promise<InitResult> {
  const root = resolve(options.cwd ?? process.cwd(), options.dir ?? ".");
  if (existsSync(root) && !statSync(root).isDirectory()) throw new UsageError(`${root} is a file, not a folder.`);
  mkdirSync(root, { recursive: true });
  const commitOn = options.commit ?? true;
  let gitInitialized = false;
  if (commitOn && !findRepositoryRoot(root)) {
    await initRepository(root);
    gitInitialized = true;
  }
  const ws: Workspace = { root, gitRoot: findRepositoryRoot(root), config: readConfig(root) };
  const templates = workspaceTemplates();
  const { result, commit, warnings } = await writeWorkspace(ws, { commit: commitOn, command: "brain init" }, async (tx) => {
    const created: string[] = [];
    const kept: string[] = [];
    const updated: string[] = [];
    for (const [rel, content] of templates) {
      const existing = tx.read(rel);
      if (existing === null) {
        tx.write(rel, content);
        created.push(rel);
      } else if (rel === ".gitignore" && !/^\/?\.brain\/?\s*$/m.test(existing)) {
        tx.write(rel, `${existing}${existing.endsWith("\n") || existing === "" ? "" : "\n"}.brain/\n`);
        updated.push(rel);
      } else if (rel === AGENTS_FILE && !existing.includes(PROTOCOL_START)) {
        // An AGENTS.md from another tool keeps every byte; the protocol block is appended after it.
        const withProtocol = await addProtocol(existing, content);
        if (withProtocol === null) kept.push(rel);
        else {
          tx.write(rel, withProtocol);
          updated.push(rel);
        }
      } else if (rel === ".gitattributes" && withMergeAttributes(existing) !== existing) {
        tx.write(rel, withMergeAttributes(existing));
        updated.push(rel);
      } else {
        kept.push(rel);
      }
    }
    const changed = [...created, ...updated];
    const body = [
      created.length ? `Created:\n${created.map((f) => `  ${f}`).join("\n")}` : "",
      updated.length ? `Added brain's lines to:\n${updated.map((f) => `  ${f} (${f === AGENTS_FILE ? "the brain protocol block" : f === ".gitattributes" ? "merge drivers" : ".brain/, caches and locks"})`).join("\n")}` : "",
      kept.length ? `Kept as they were:\n${kept.map((f) => `  ${f}`).join("\n")}` : "",
    ]
      .filter(Boolean)
      .join("\n\n");
    return {
      result: { created, kept, updated },
      message: changed.length
        ? { subject: formatCommitSubject({ kind: "init", created: created.length }), body }
        : undefined,
    };
  });
  // Drivers live in .git/config, which clones do not share, so every clone's init defines them.
  const mergeDrivers = ws.gitRoot && commitOn ? await configureMergeDrivers(ws.gitRoot) : [];
  return { root, ...result, mergeDrivers, gitInitialized, commit, warnings };
}
