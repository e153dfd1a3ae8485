import { formatCommitSubject } from "../core/commit/subject.js";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { dailyLogHeaderDate, impossibleLogDate, parseDailyLog } from "../core/daily-log.js";
import { BrainError } from "../core/errors.js";
import { utf8Bytes } from "../core/text/utf8.js";
import { findContradictions, memoryStatements, statementPlace, type ContradictionPair } from "../core/consolidation/contradictions.js";
import type { RulesFile } from "../core/consolidation/rules-file.js";
import { scanProvenanceMarks } from "../core/memory/provenance.js";
import { pathTokens } from "../core/text/paths.js";
import { shorten } from "../core/text/clip.js";
import { localDate } from "../core/dates.js";
import { describeStale, unreinforcedEntries, type ChangedPath } from "../core/memory/staleness.js";
import { findStaleEntries } from "./staleness.js";
import { parsePlaybook } from "../core/playbooks/parse.js";

import { checkStrategies, parseStrategies, serializeStrategies } from "../core/strategies/file.js";
import { registryCheckedBefore } from "./stats.js";
import { assignSolutionIds, solutionIds } from "../core/strategies/ids.js";
import { describeAvoid } from "../core/strategies/labels.js";
import { antiPatternOf, resolveThresholds, type AntiPatternFacts } from "../core/strategies/lifecycle.js";
import { problemDiversity, type ProblemDiversity } from "../core/stats.js";
import { listProblems } from "../core/strategies/problems.js";
import type { Problem, StrategyRegistry } from "../core/strategies/registry.js";
import { dottedFaultText, schemaFaults } from "../core/schema.js";
import { validateConfig } from "../generated/config.js";
import { listDailyLogs } from "./daily-logs.js";
import { listPlaybookFiles } from "./playbook-files.js";
import { readHeldWrites } from "./workspace/held-writes.js";
import { fileSystemNow, readTextIfExists } from "./fs.js";
import { findRepositoryRoot } from "./git/repository.js";
import { gitOperationInProgress, staleIndexPaths, uncommittedPaths } from "./git/status.js";
import { resetStaleEntries } from "./git/commit.js";
import { staleGitLocks } from "./git/locks.js";
import { breakStaleLock, isStale, lockPath, readHolder } from "./lock.js";
import { workspaceTemplates } from "./package-files.js";

import { findWorkspaceRoot, readConfig, type Workspace, type WorkspaceOptions } from "./workspace/open.js";
import { interruptedWrites, waitsForJournal } from "./workspace/uncommitted.js";
import { writeWorkspace } from "./workspace/transaction.js";
import type { CommitInfo } from "./workspace/commit.js";
import { BRAIN_DIR, BRAIN_FILES, CONFIG_FILE, DEFAULT_CONFIG, MEMORY_DIR, NOT_DAILY_LOGS, MEMORY_PATH, STRATEGIES_PATH, PLAYBOOKS_DIR, REGRESSION_CASES_PATH, RULES_FILES } from "../core/layout.js";

export { pathTokens } from "../core/text/paths.js";

/** One thing doctor found, with what to do about it. */
export interface DoctorFinding {
  /** Stable code of the check, e.g. `lock-stale`, `schema-strategies`, `rule-path`. */
  id: string;
  /**
   * `error` and `warning` are faults (doctor is not healthy and exits 1 while any is left);
   * `info` is a note on what memory has learnt that a person may want to act on
   * (an anti-pattern, attempts collapsed onto a failing solution): listed, never a fault.
   */
  severity: "error" | "warning" | "info";
  /** Workspace-relative file (with `:line` when known) the finding is about. */
  file?: string;
  message: string;
  /** What to do about it. */
  fix: string;
  /** True when `brain doctor --fix` repairs it safely. */
  fixable: boolean;
  /** `entry-stale` and `entry-review`: the id of the brain entry or rule. */
  entry?: string;
  /** `entry-stale`: the commit the entry was written at, and each path it names that changed in git afterwards. */
  stale?: { at: string; changed: ChangedPath[] };
  /** `entry-review`: the day the entry was last reinforced, and how many days ago that is. */
  review?: { last: string; days: number };
  /** For `contradiction`: the two sides (`a` is a brain entry), how they contradict and why. */
  pair?: ContradictionPair;
  /** For `anti-pattern`: the solution, and how it failed (`brain check` lists it to avoid). */
  solution?: { problem: string; id: string; action: string; antiPattern: AntiPatternFacts; lastTried: string | null };
  /** For `collapsed`: how the problem's attempts spread over its solutions, as `brain stats` reports it. */
  diversity?: ProblemDiversity;
}

/** A finding `brain doctor --fix` could not repair, and why. */
export interface UnfixedFinding extends DoctorFinding {
  reason: string;
}

export interface DoctorOptions extends WorkspaceOptions {
  /** Repair what is safe to repair (stale lock and temp files, stale index entries, missing folders and ids, .gitignore), in one commit. */
  fix?: boolean;
  /** false: repair files but make no commit. */
  commit?: boolean;
  /** The clock, to tell entries not reinforced for `reviewAfterDays` (default: now). */
  now?: Date;
}

export interface DoctorResult {
  root: string;
  /** True when no fault is left to report (`info` notes may remain). */
  healthy: boolean;
  /** What is wrong now (after repairs, with --fix). */
  findings: DoctorFinding[];
  /** What --fix repaired. */
  fixed: DoctorFinding[];
  /** What --fix set out to repair and could not, each with the reason; these are still among `findings`. */
  unfixed: UnfixedFinding[];
  commit: CommitInfo;
  warnings: string[];
}

/** Unconsolidated logs beyond this many are a backlog worth a finding. */
export const BACKLOG_LIMIT = 7;
/** Temp files older than this were left by a writer that died; live writes take milliseconds. */
export const STALE_TMP_MS = 60_000;

/** Files brain writes and commits; uncommitted changes in them are worth a finding. */
const WORKSPACE_FILES = [MEMORY_PATH, STRATEGIES_PATH, REGRESSION_CASES_PATH, CONFIG_FILE, MEMORY_DIR, PLAYBOOKS_DIR, ...RULES_FILES];
const REQUIRED_FOLDERS = [MEMORY_DIR, PLAYBOOKS_DIR];

/** The files and folders of {@link WORKSPACE_FILES} the workspace has. */
function presentWorkspaceFiles(root: string): string[] {
  return WORKSPACE_FILES.filter((f) => existsSync(join(root, f)));
}

/**
 * Checks the workspace: JSON files and frontmatter against the schemas,
 * daily-log names and dates, MEMORY.md against its cap, a stale lock and
 * temp files, the consolidation backlog, rules naming paths that no longer
 * exist, and the git state. With `fix`, repairs only what is safe — the
 * stale lock and temp files, git index entries a killed commit left stale,
 * missing folders, missing solution ids, and `.brain/` in .gitignore — in
 * one commit, and never rewrites what a person wrote.
 */
export async function doctor(options: DoctorOptions = {}): Promise<DoctorResult> {
  const ws = openTolerant(options);
  let findings = await diagnose(ws, options.now);
  const fixed: DoctorFinding[] = [];
  const unfixed: UnfixedFinding[] = [];
  let commit: CommitInfo = { committed: false, reason: "nothing to fix" };
  const warnings: string[] = [];
  if (options.fix && findings.some((f) => f.fixable)) {
    // The lock first: everything else is repaired holding the lock, and a stale one would be in the way.
    for (const f of findings.filter((f) => f.id === "lock-stale")) {
      const path = lockPath(ws.root);
      const holder = readHolder(path);
      if (holder === "missing" || isStale(path, holder)) {
        if (holder !== "missing") breakStaleLock(path, holder);
        fixed.push(f);
      }
    }
    const out = await writeWorkspace(ws, { commit: options.commit, command: "brain doctor --fix" }, async (tx) => {
      const done: Array<DoctorFinding & { original?: DoctorFinding }> = [];
      for (const f of findings) {
        if (!f.fixable || f.id === "lock-stale") continue;
        if (f.id === "write-interrupted") {
          // Taking the lock to write committed it already (checked below: the finding counts as fixed once its record is gone).
          const commit = tx.recovered.find((r) => r.record === recordOf.get(f))?.commit;
          if (commit) done.push({ ...f, message: `${f.message} ${recoveredText(commit)}`, original: f });
        } else if (recordOf.has(f)) {
          // A consolidation's journal: taking the lock to write finished it in its own commit (checked below: fixed once its record is gone).
          done.push({ ...f, message: `${f.message} Finished now from its journal.`, original: f });
        } else if (f.id === "write-held") {
          // Taking the lock to write applied and committed them already, when git allowed it (checked below).
          if (!readHeldWrites(ws.root)) done.push(f);
        } else if (f.id === "tmp-stale") {
          // Under the lock no brain writer of this workspace is mid-write, so an old temp file is garbage.
          for (const file of staleTempFiles(ws.root)) rmSync(join(ws.root, BRAIN_FILES.tmp, file), { force: true });
          done.push(f);
        } else if (f.id === "folder-missing") {
          const folder = f.file!.replace(/\/$/, "");
          mkdirSync(tx.path(folder), { recursive: true });
          // git keeps no empty folder, so the folder gets its template files (only those missing).
          for (const [rel, content] of workspaceTemplates()) if (rel.startsWith(`${folder}/`) && tx.read(rel) === null) tx.write(rel, content);
          done.push(f);
        } else if (f.id === "strategies-ids") {
          const text = tx.read(STRATEGIES_PATH);
          if (text === null) continue;
          const previous = parseStrategies(text, STRATEGIES_PATH);
          const r = assignSolutionIds(previous);
          if (r.assigned.length && checkStrategies(r.registry).ok) {
            tx.write(STRATEGIES_PATH, serializeStrategies(r.registry, text, previous));
            done.push({ ...f, message: `${f.message} (assigned ${r.assigned.map((a) => `${a.problem} ${a.id}`).join(", ")})`, original: f });
          }
        } else if (f.id === "git-lock-stale") {
          // Looked for again: only those still left by a git that is gone are removed.
          for (const lock of staleGitLocks(ws.gitRoot!)) rmSync(lock, { force: true });
          done.push(f);
        } else if (f.id === "git-index-stale") {
          // Only the index changes: the files hold what HEAD holds, and nothing is committed (checked below, as every repair).
          await resetStaleEntries(ws.root, presentWorkspaceFiles(ws.root));
          done.push(f);
        } else if (f.id === "gitignore-brain") {
          const existing = tx.read(".gitignore") ?? "";
          tx.write(".gitignore", `${existing}${existing === "" || existing.endsWith("\n") ? "" : "\n"}${BRAIN_DIR}/\n`);
          done.push(f);
        }
      }
      const committed = done.filter((d) => !["tmp-stale", "git-lock-stale", "git-index-stale"].includes(d.id) && !recordOf.has(d.original ?? d));
      return {
        result: done,
        message: committed.length
          ? {
              subject: formatCommitSubject({ kind: "doctor --fix", checks: [...new Set(committed.map((d) => d.id))] }),
              body: ["Repaired what was safe to repair; no text a person wrote was changed.", ...committed.map((d) => `- ${d.file ? `${d.file}: ` : ""}${d.message}`)].join("\n"),
            }
          : undefined,
      };
    });
    commit = out.commit;
    warnings.push(...out.warnings);
    const before = findings;
    findings = await diagnose(ws, options.now);
    // A repair counts only once the finding is gone: a claim is checked, never assumed.
    const still = (f: DoctorFinding) => {
      const record = recordOf.get(f);
      return record ? existsSync(join(ws.root, record)) : findings.some((n) => sameFinding(n, f));
    };
    for (const { original, ...f } of out.result) if (!still(original ?? f)) fixed.push(f);
    for (const f of before) {
      if (f.fixable && f.id !== "lock-stale" && still(f)) unfixed.push({ ...f, reason: unfixedReason(f, warnings) });
    }
  }
  return { root: ws.root, healthy: !findings.some((f) => f.severity !== "info"), findings, fixed, unfixed, commit, warnings };
}

/** What became of a write left uncommitted, once the lock was taken. */
function recoveredText(commit: CommitInfo): string {
  const ignored = commit.ignored?.length ? `; ${commit.ignored.join(", ")} ${commit.ignored.length === 1 ? "is" : "are"} ignored by git and stay${commit.ignored.length === 1 ? "s" : ""} uncommitted` : "";
  if (commit.committed) return `Committed now (${commit.sha?.slice(0, 7)})${ignored}.`;
  if (commit.ignored?.length) return `Nothing to commit: git ignores ${commit.ignored.length === 1 ? "it" : "them all"}, by the workspace's own rules; nothing is pending any more.`;
  return `Nothing to commit (${commit.reason}); nothing is pending any more.`;
}

/** The same finding before and after a repair: same check, same place, same words. */
function sameFinding(a: DoctorFinding, b: DoctorFinding): boolean {
  return a.id === b.id && a.file === b.file && a.message === b.message;
}

/** Why a finding --fix set out to repair is still there, in the words of the warning that says so when there is one. */
function unfixedReason(f: DoctorFinding, warnings: string[]): string {
  if (f.id === "write-interrupted") {
    // git's own words run to several lines; the warning carries them all, the reason their first.
    const said = warnings.find((w) => /Written but not committed: /.test(w));
    if (said) return `Its commit failed again: ${said.replace(/^.*?Written but not committed: /s, "").split("\n")[0]}`;
  }
  return "brain doctor --fix could not repair it; see what to do.";
}

/** The workspace, with the default config when brain.config.json is invalid: that is a finding, not a reason to stop. */
function openTolerant(options: WorkspaceOptions): Workspace {
  const root = findWorkspaceRoot(options);
  let config = DEFAULT_CONFIG;
  try {
    config = readConfig(root);
  } catch (err) {
    if (!(err instanceof BrainError)) throw err;
  }
  return { root, gitRoot: findRepositoryRoot(root), config };
}

/** Runs every check; the order is the order findings are reported in. */
async function diagnose(ws: Workspace, now: Date = new Date()): Promise<DoctorFinding[]> {
  const out: DoctorFinding[] = [];
  checkGitignore(ws, out);
  checkFolders(ws, out);
  checkConfig(ws, out);
  checkStrategiesFile(ws, out);
  checkPlaybooks(ws, out);
  checkLogs(ws, out);
  checkMemorySize(ws, out);
  checkProvenance(ws, out);
  checkRulePaths(ws, out);
  await checkStaleEntries(ws, out);
  checkUnreinforced(ws, now, out);
  checkContradictions(ws, out);
  checkLock(ws, out);
  checkInterrupted(ws, out);
  checkTemp(ws, out);
  await checkGit(ws, out);
  return out;
}

function read(ws: Workspace, rel: string, out: DoctorFinding[]): string | null {
  try {
    return readTextIfExists(join(ws.root, rel), rel);
  } catch (err) {
    out.push({ id: "unreadable", severity: "error", file: rel, message: (err as Error).message, fix: "Check the file's permissions.", fixable: false });
    return null;
  }
}

function checkGitignore(ws: Workspace, out: DoctorFinding[]): void {
  const text = read(ws, ".gitignore", out);
  if (text !== null && /^\/?\.brain(?:\/|\/\*\*?)?\s*$/m.test(text)) return;
  out.push({
    id: "gitignore-brain",
    severity: "warning",
    file: ".gitignore",
    message: "`.brain/` (caches, locks, temp files) is not ignored by git, so it can end up in commits.",
    fix: "Add a line `.brain/` to .gitignore (`brain doctor --fix` does).",
    fixable: true,
  });
}

function checkFolders(ws: Workspace, out: DoctorFinding[]): void {
  for (const folder of REQUIRED_FOLDERS) {
    if (existsSync(join(ws.root, folder))) continue;
    out.push({
      id: "folder-missing",
      severity: "warning",
      file: `${folder}/`,
      message: `The folder ${folder}/ is missing.`,
      fix: `Create it (\`brain doctor --fix\` or \`brain init\` does).`,
      fixable: true,
    });
  }
}

function checkConfig(ws: Workspace, out: DoctorFinding[]): void {
  const text = read(ws, CONFIG_FILE, out);
  if (text === null) return;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    out.push({ id: "schema-config", severity: "error", file: CONFIG_FILE, message: `Invalid JSON: ${(err as Error).message}.`, fix: `Correct ${CONFIG_FILE} by hand (or delete it to use the defaults).`, fixable: false });
    return;
  }
  for (const fault of schemaFaults(validateConfig, data, CONFIG_FILE)) {
    out.push({ id: "schema-config", severity: "error", file: CONFIG_FILE, message: `${dottedFaultText(fault)} (schemas/config.schema.json).`, fix: `Correct that key in ${CONFIG_FILE}; see docs/formats.md.`, fixable: false });
  }
}

function checkStrategiesFile(ws: Workspace, out: DoctorFinding[]): void {
  const text = read(ws, STRATEGIES_PATH, out);
  if (text === null) return;
  let registry: StrategyRegistry;
  try {
    registry = parseStrategies(text, STRATEGIES_PATH, { validated: registryCheckedBefore(ws.root, text) });
  } catch (err) {
    out.push({ id: "schema-strategies", severity: "error", file: STRATEGIES_PATH, message: (err as BrainError).message, fix: "Correct the file by hand, or restore it with `git checkout -- strategies.json`; brain will not write over it.", fixable: false });
    return;
  }
  const missing = listProblems(registry).flatMap((key) => {
    const solutions = (registry[key] as Problem).solutions ?? [];
    return solutions.filter((s) => !(typeof s.id === "string" && s.id)).map(() => key);
  });
  checkLearnt(ws, registry, out);
  if (missing.length) {
    out.push({
      id: "strategies-ids",
      severity: "warning",
      file: STRATEGIES_PATH,
      message: `${missing.length} solution${missing.length === 1 ? " has" : "s have"} no id (in ${[...new Set(missing)].join(", ")}).`,
      fix: "Write the ids they are shown with into the file (`brain doctor --fix` does), so they stay stable when the file is edited by hand.",
      fixable: true,
    });
  }
}

function checkPlaybooks(ws: Workspace, out: DoctorFinding[]): void {
  for (const rel of listPlaybookFiles(ws.root)) {
    const text = read(ws, rel, out);
    if (text === null) continue;
    try {
      // parsePlaybook checks the frontmatter against schemas/playbook-frontmatter.schema.json.
      parsePlaybook(text, rel);
    } catch (err) {
      out.push({ id: "schema-playbook", severity: "error", file: rel, message: (err as Error).message, fix: "Correct the playbook by hand; `brain playbook new` shows the expected shape.", fixable: false });
    }
  }
}

/**
 * Daily logs: every markdown file in memory/ is a daily log or a dated memory
 * file (its name carries a real date), the queue, or a finding; a leading
 * `# date` heading (when there is one) agrees with the name.
 */
function checkLogs(ws: Workspace, out: DoctorFinding[]): void {
  const dir = join(ws.root, MEMORY_DIR);
  if (!existsSync(dir)) return;
  const logs = new Map(listDailyLogs(ws.root).filter((l) => !l.archived).map((l) => [l.path, l]));
  let waiting = 0;
  for (const ent of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (!ent.isFile() || !ent.name.endsWith(".md") || NOT_DAILY_LOGS.has(ent.name)) continue;
    const rel = `memory/${ent.name}`;
    const log = logs.get(rel);
    if (!log) {
      const impossible = impossibleLogDate(ent.name);
      if (impossible) out.push({ id: "log-date", severity: "warning", file: rel, message: `${impossible} is not a real calendar date.`, fix: "Rename it to the day it records (`git mv`).", fixable: false });
      else out.push({ id: "log-name", severity: "warning", file: rel, message: "Its name carries no date (memory/YYYY-MM-DD.md, or a dated name such as memory/2026-03-29-notes.md), so no command reads it.", fix: "Rename it to carry the day it records, or move it out of memory/.", fixable: false });
      continue;
    }
    const text = read(ws, rel, out);
    if (text === null) continue;
    const parsed = parseDailyLog(text);
    if (parsed.consolidated === null) waiting++;
    if (!log.daily) continue;
    const lines = text.split(/\r?\n/);
    const headingIndex = lines.findIndex((l, i) => i >= parsed.bodyLine - 1 && l.trim() !== "");
    const headed = headingIndex >= 0 ? dailyLogHeaderDate(lines[headingIndex]!) : null;
    if (headed && headed !== log.date) {
      out.push({ id: "log-heading", severity: "warning", file: `${rel}:${headingIndex + 1}`, message: `The heading says ${headed} but the file is ${log.date}.`, fix: "Move the entries to the log of the day they belong to, or correct the heading.", fixable: false });
    }
  }
  if (waiting > BACKLOG_LIMIT) {
    out.push({ id: "backlog", severity: "warning", file: `${MEMORY_DIR}/`, message: `${waiting} daily logs are waiting for consolidation (more than ${BACKLOG_LIMIT}).`, fix: "Run `brain consolidate`, and schedule it daily (docs/agents.md).", fixable: false });
  }
}

function checkMemorySize(ws: Workspace, out: DoctorFinding[]): void {
  const text = read(ws, MEMORY_PATH, out);
  if (text === null) return;
  const bytes = utf8Bytes(text);
  if (bytes <= ws.config.memoryCapBytes) return;
  out.push({
    id: "memory-cap",
    severity: "warning",
    file: MEMORY_PATH,
    message: `MEMORY.md is ${bytes} bytes, over its cap of ${ws.config.memoryCapBytes}.`,
    fix: "Run `brain forget` (or `brain consolidate`): it moves the lowest-scoring brain entries (evidence fading with age) to memory/archive/. Text you wrote is never cut; trim it by hand or raise memoryCapBytes.",
    fixable: false,
  });
}

const BROKEN_TEXT = {
  unclosed: "has no closing `-->`",
  malformed: "does not read as `<!-- brain key=value … -->`",
  "no-id": "has no `id=`",
} as const;

/**
 * brain's provenance comments in MEMORY.md and the rules files: one a person
 * broke (brain no longer reads the line as its entry, and would add the same
 * knowledge again beside it), and two entries with the same id (brain would
 * reinforce, promote and move only the first).
 */
function checkProvenance(ws: Workspace, out: DoctorFinding[]): void {
  for (const file of [MEMORY_PATH, ...RULES_FILES]) {
    const text = read(ws, file, out);
    if (text === null || !text.includes("<!-- brain")) continue;
    const marks = scanProvenanceMarks(text);
    for (const m of marks) {
      if (!m.broken) continue;
      out.push({
        id: "provenance-broken",
        severity: "warning",
        file: `${file}:${m.line}`,
        message: `The brain comment on this line ${BROKEN_TEXT[m.broken]}${m.id ? ` (entry ${m.id})` : ""}, so brain no longer reads the line as its entry; its id stays taken.`,
        fix: "Mend the comment so the line ends in `<!-- brain id=… kind=… … -->` (`git log -p " + file + "` shows it as brain wrote it), or delete the whole comment to make the line yours.",
        fixable: false,
      });
    }
    const firstLine = new Map<string, number>();
    for (const m of marks) {
      if (!m.id) continue;
      const first = firstLine.get(m.id);
      if (first === undefined) {
        firstLine.set(m.id, m.line);
        continue;
      }
      out.push({
        id: "provenance-duplicate-id",
        severity: "warning",
        file: `${file}:${m.line}`,
        message: `Entry id ${m.id} is also used on line ${first}: brain reinforces, promotes and moves only the first of the two.`,
        fix: `Keep one of the two lines (merge their text and \`src=\` sources by hand), or delete this line's comment to make the line yours.`,
        fixable: false,
      });
    }
  }
}


function checkRulePaths(ws: Workspace, out: DoctorFinding[]): void {
  const bases = [ws.root, ...(ws.gitRoot && ws.gitRoot !== ws.root ? [ws.gitRoot] : [])];
  for (const file of RULES_FILES) {
    const text = read(ws, file, out);
    if (text === null) continue;
    const lines = text.split(/\r?\n/);
    let fence = false;
    lines.forEach((line, i) => {
      // Code blocks show examples; a path there is not a rule about this repository.
      if (/^\s*(```|~~~)/.test(line)) fence = !fence;
      if (fence) return;
      for (const p of pathTokens(line)) {
        if (bases.some((b) => existsSync(join(b, p)))) continue;
        out.push({
          id: "rule-path",
          severity: "warning",
          file: `${file}:${i + 1}`,
          message: `Mentions ${p}, which is not in the repository.`,
          fix: "Update or delete the rule if the path moved or is gone; brain never edits rules a person wrote.",
          fixable: false,
        });
      }
    });
  }
}

/** Brain entries and rules naming files that changed in git after they were written (two git commands in all). */
async function checkStaleEntries(ws: Workspace, out: DoctorFinding[]): Promise<void> {
  const texts = new Map<string, string | null>([MEMORY_PATH, ...RULES_FILES].map((f) => [f, read(ws, f, [])]));
  for (const s of await findStaleEntries(ws, texts)) {
    const noun = s.file === MEMORY_PATH ? "entry" : "rule";
    out.push({
      id: "entry-stale",
      severity: "warning",
      file: `${s.file}:${s.line}`,
      message: describeStale(s, noun),
      fix: `Check the ${noun} against the code as it is now (\`git log ${s.at.slice(0, 7)}..HEAD -- ${s.changed.map((c) => c.repoPath).join(" ")}\`), then correct or delete it; to keep it as it is, set its \`at=\` to \`git rev-parse HEAD\`. Stating it again in a log re-anchors it when consolidated.`,
      fixable: false,
      entry: s.id,
      stale: { at: s.at, changed: s.changed },
    });
  }
}

/** Brain entries not reinforced for `reviewAfterDays`: for a person to review, never deleted for it. */
function checkUnreinforced(ws: Workspace, now: Date, out: DoctorFinding[]): void {
  const memory = read(ws, MEMORY_PATH, []);
  const rules = RULES_FILES.flatMap((file) => {
    const source = read(ws, file, []);
    return source === null ? [] : [{ file, source }];
  });
  const days = ws.config.reviewAfterDays;
  for (const e of unreinforcedEntries(memory, rules, localDate(now), days)) {
    out.push({
      id: "entry-review",
      severity: "warning",
      file: `${e.file}:${e.line}`,
      message: `Not reinforced for ${e.days} days (last on ${e.last}, review after ${days}): ${shorten(e.text, 80)}`,
      fix: "Review it: if it still holds, state it again in a log (consolidation reinforces it); if not, delete the line. brain deletes nothing for age.",
      fixable: false,
      entry: e.id,
      review: { last: e.last, days: e.days },
    });
  }
}

/**
 * Brain entries that contradict each other, a line a person wrote in
 * MEMORY.md, or a rule: consolidation promotes neither side, and the pair is
 * listed here until a person edits or deletes one side (found again from the
 * files each time, so nothing needs clearing).
 */
/**
 * Notes on what the registry has learnt, judged by the workspace's thresholds as `brain check`
 * judges them: each anti-pattern (listed to avoid, never offered), and each problem whose
 * attempts collapsed onto one solution that is drifting or failing.
 */
function checkLearnt(ws: Workspace, registry: StrategyRegistry, out: DoctorFinding[]): void {
  const thresholds = resolveThresholds(ws.config.thresholds);
  const ids = solutionIds(registry);
  for (const key of listProblems(registry)) {
    const list = (registry[key] as Problem).solutions;
    if (!Array.isArray(list)) continue;
    for (const s of list) {
      const antiPattern = antiPatternOf(s, thresholds);
      if (!antiPattern) continue;
      const id = ids.get(s) ?? "";
      const lastTried = typeof s.lastTried === "string" ? s.lastTried : null;
      out.push({
        id: "anti-pattern",
        severity: "info",
        file: STRATEGIES_PATH,
        message: `${JSON.stringify(key)}: ${describeAvoid({ action: s.action, antiPattern, lastTried, env: typeof s.env === "string" ? s.env : null })}`,
        fix: `Nothing to do: \`brain check\` lists it to avoid and never offers it. Retire it (\`brain strategy retire ${key} ${id}\`) to stop listing it, or record a success if it works after all.`,
        fixable: false,
        solution: { problem: key, id, action: s.action, antiPattern, lastTried },
      });
    }
    const d = problemDiversity(key, list, ids, thresholds);
    if (!d?.collapsed) continue;
    out.push({
      id: "collapsed",
      severity: "info",
      file: STRATEGIES_PATH,
      message: `${JSON.stringify(key)}: ${Math.round(d.top.share * 100)}% of its ${d.attempts} attempts went to ${d.top.id} ${JSON.stringify(d.top.action)}, which is ${d.collapsed} (${Math.round(d.top.successRate * 100)}% of ${d.top.tries}).`,
      fix: `Try another fix: \`brain check --explore\` adds an under-tried one, or record a new solution (\`brain strategy record ${key} "<action>" --result …\`).`,
      fixable: false,
      diversity: d,
    });
  }
}

function checkContradictions(ws: Workspace, out: DoctorFinding[]): void {
  const memory = read(ws, MEMORY_PATH, out);
  if (memory === null || !memory.includes("<!-- brain")) return;
  const rules: Partial<Record<RulesFile, string>> = {};
  for (const file of RULES_FILES) {
    const text = read(ws, file, out);
    if (text !== null) rules[file] = text;
  }
  for (const found of findContradictions(memoryStatements(memory, rules))) {
    const pair = found.a.source === "entry" ? found : { ...found, a: found.b, b: found.a };
    out.push({
      id: "contradiction",
      severity: "warning",
      file: statementPlace(pair.a),
      message: `"${pair.a.text}" contradicts ${statementPlace(pair.b)} "${pair.b.text}" (${pair.reason}); neither is promoted to a rule.`,
      fix: "Decide which holds and edit or delete the other (or make both say when each applies); the pair is listed until then. brain never picks a side.",
      fixable: false,
      pair,
    });
  }
}

function checkLock(ws: Workspace, out: DoctorFinding[]): void {
  const path = lockPath(ws.root);
  const holder = readHolder(path);
  if (holder === "missing" || !isStale(path, holder)) return;
  out.push({
    id: "lock-stale",
    severity: "error",
    file: relative(ws.root, path),
    message: `The workspace lock is held by ${holder ? `pid ${holder.pid}${holder.command ? ` (${holder.command})` : ""} since ${holder.since}` : "an unknown process"}, which is gone.`,
    fix: "Remove the stale lock (`brain doctor --fix` does; the next write would also break it).",
    fixable: true,
  });
}

/** The uncommitted-paths record (workspace-relative) each write-interrupted (or consolidate-interrupted) finding is about: it is fixed once that record is gone. */
const recordOf = new WeakMap<DoctorFinding, string>();

/** Writes left uncommitted by writers killed before their commits or whose commits failed (while a live writer holds the lock, a record may be its own). */
function checkInterrupted(ws: Workspace, out: DoctorFinding[]): void {
  const path = lockPath(ws.root);
  const holder = readHolder(path);
  if (holder !== "missing" && !isStale(path, holder)) return;
  const held = readHeldWrites(ws.root);
  if (held) {
    const paths = Object.keys(held.changes);
    out.push({
      id: "write-held",
      severity: "warning",
      file: paths[0],
      message: `${held.commands.join(", ")} wrote ${paths.join(", ")} while ${held.reason}, and brain has not committed ${paths.length === 1 ? "it" : "them"} yet.`,
      fix: "Once the repository is back on a branch, `brain doctor --fix` (or any brain write) applies the change again where git took it back, and commits it.",
      fixable: true,
    });
  }
  for (const left of interruptedWrites(ws.root)) {
    const what = `${left.command}${left.pid ? ` (pid ${left.pid})` : ""} wrote and did not commit (it was killed first, or its commit failed): ${left.paths.join(", ") || "no file named"}.`;
    if (waitsForJournal(ws.root, left)) {
      // Named for the command that finishes it: `brain consolidate` → consolidate-interrupted.
      const id = `${left.resumedBy.replace(/^brain\s+/, "").trim().split(/\s+/).join("-")}-interrupted`;
      if (left.journal === BRAIN_FILES.consolidateJournal) {
        // Every write finishes a consolidation's journal before its own change, so --fix does too.
        const finding: DoctorFinding = {
          id,
          severity: "warning",
          file: left.paths[0],
          message: what,
          fix: `The next brain write finishes it from its journal and commits it, in that run's own commit, before its own change (\`brain doctor --fix\` does, and so does \`${left.resumedBy}\`).`,
          fixable: true,
        };
        recordOf.set(finding, left.record);
        out.push(finding);
      } else out.push({ id, severity: "warning", file: left.paths[0], message: what, fix: `Run \`${left.resumedBy}\`: it finishes that write from its journal and commits it.`, fixable: false });
    } else {
      const finding: DoctorFinding = { id: "write-interrupted", severity: "warning", file: left.paths[0], message: what, fix: "Commit those files as that write (`brain doctor --fix` does, and so does the next brain write).", fixable: true };
      recordOf.set(finding, left.record);
      out.push(finding);
    }
  }
}

function staleTempFiles(root: string): string[] {
  const dir = join(root, BRAIN_FILES.tmp);
  if (!existsSync(dir)) return [];
  const now = fileSystemNow(dir);
  return readdirSync(dir).filter((f) => {
    try {
      return now - statSync(join(dir, f)).mtimeMs > STALE_TMP_MS;
    } catch {
      return false;
    }
  });
}

function checkTemp(ws: Workspace, out: DoctorFinding[]): void {
  const stale = staleTempFiles(ws.root);
  if (!stale.length) return;
  out.push({
    id: "tmp-stale",
    severity: "warning",
    file: `${BRAIN_FILES.tmp}/`,
    message: `${stale.length} temp file${stale.length === 1 ? "" : "s"} left by writers that stopped mid-write (the files they were writing are intact).`,
    fix: "Delete them (`brain doctor --fix` does).",
    fixable: true,
  });
}

async function checkGit(ws: Workspace, out: DoctorFinding[]): Promise<void> {
  if (!ws.gitRoot) {
    if (ws.config.commit === false) return;
    out.push({ id: "git-none", severity: "warning", message: "The workspace is not in a git repository, so brain keeps no audit trail.", fix: 'Run `git init` there (or `brain init`), or set "commit": false in brain.config.json.', fixable: false });
    return;
  }
  const op = gitOperationInProgress(ws.gitRoot);
  const busy = op?.reason;
  if (busy?.startsWith("HEAD is detached")) {
    out.push({ id: "git-detached", severity: "warning", message: "HEAD is detached: brain writes but does not commit until a branch is checked out.", fix: "Check out a branch (`git switch main`); brain's next write then commits what it wrote meanwhile.", fixable: false });
  } else if (busy) {
    out.push({
      id: "git-in-progress",
      severity: "warning",
      message: `${busy[0]!.toUpperCase()}${busy.slice(1)}: brain ${op!.stepsThroughCommits ? `keeps its writes in ${BRAIN_FILES.heldWrites}, out of the work tree` : "writes but does not commit"}, and consolidate, rollback and sync wait, until it is finished.`,
      fix: "Finish or abort it (`git status` says how); brain's next write then commits what it wrote meanwhile.",
      fixable: false,
    });
  }
  const locks = staleGitLocks(ws.gitRoot);
  if (locks.length) {
    const names = locks.map((l) => relative(ws.gitRoot!, l));
    out.push({
      id: "git-lock-stale",
      severity: "warning",
      file: relative(ws.root, locks[0]!),
      message: `git's lock${locks.length === 1 ? "" : "s"} ${listed(names)} ${locks.length === 1 ? "was" : "were"} left by a git process that is gone (killed mid-commit): git refuses to commit until ${locks.length === 1 ? "it is" : "they are"} removed.`,
      fix: "Remove them (`brain doctor --fix` does, and so does brain's next commit through git); no git process runs in this repository, so none is in use.",
      fixable: true,
    });
  }
  // Pathspecs are relative to the folder git runs in, the workspace; git answers relative to the repository root.
  const present = presentWorkspaceFiles(ws.root);
  const changed = present.length ? await uncommittedPaths(ws.root, present) : [];
  // Files as committed whose index entry a killed commit left behind are no change of anyone's.
  const stale = changed.length ? await staleIndexPaths(ws.root, present) : [];
  if (stale.length) {
    out.push({
      id: "git-index-stale",
      severity: "warning",
      file: stale[0],
      message:
        `git's index holds older text than the last commit for ${listed(stale)}, though the files are as committed: ` +
        "a git commit killed after it moved the branch and before it wrote its index leaves this, and `git status` shows a change nobody made.",
      fix: "Run `brain doctor --fix`: it puts the committed entries back in the index (`git reset -- <files>`) and leaves the files as they are.",
      fixable: true,
    });
  }
  const shown = changed.map((p) => relative(ws.root, join(ws.gitRoot!, p))).filter((p) => !stale.includes(p));
  if (shown.length) {
    out.push({
      id: "git-uncommitted",
      severity: "warning",
      file: shown[0],
      message: `Uncommitted changes in brain's files: ${listed(shown)}.`,
      fix: "Review and commit them (`git add … && git commit`), or restore them; brain commits only what it writes.",
      fixable: false,
    });
  }
}

/** Up to five paths, and how many more. */
function listed(paths: string[]): string {
  return `${paths.slice(0, 5).join(", ")}${paths.length > 5 ? `, and ${paths.length - 5} more` : ""}`;
}
