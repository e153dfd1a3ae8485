import { spawn } from "node:child_process";
import { applyGatedSummarizerOutput, checkSummarizerOutput, type SummarizerInput } from "../../core/consolidation/summarizer.js";
import type { GateReport, GateThresholds } from "../../core/consolidation/gates.js";
import type { ConsolidationPlan } from "../../core/consolidation/plan.js";
import { BrainError, CorruptFileError, DistillationRefusedError, NotFoundError, SummarizerError, UsageError } from "../../core/errors.js";
import { schemaMismatchText } from "../../core/schema.js";
import { validateSummarizerOutput as summarizerOutputSchema } from "../../generated/summarizer-output.js";
import { readTextIfExists } from "../fs.js";
import type { Workspace } from "../workspace/open.js";

/** A distiller's answer for consolidation: read from a file (`--apply`), or from a summarizer command run in the workspace. */

export function readAnswer(file: string): { file: string; data: unknown } {
  const text = readTextIfExists(file, file);
  if (text === null) throw new NotFoundError(`--apply ${file}: no such file. Save the distilled JSON answer there first (see \`brain consolidate --prompt\`).`);
  try {
    return { file, data: JSON.parse(text) };
  } catch (err) {
    throw new CorruptFileError(file, `invalid JSON (${(err as Error).message})`);
  }
}

/**
 * Re-plans with a distiller's answer, after checking it against the schema
 * and the run, and its entries against their sources (the quality gates):
 * the plan holds the entries that passed, `gates` says which failed and why.
 */
export function withAnswer(plan: ConsolidationPlan, data: unknown, who: string, thresholds: GateThresholds): { plan: ConsolidationPlan; gates: GateReport } {
  const checked = checkSummarizerOutput(data, who);
  if (!checked.ok) throw new SummarizerError(`${who} ${schemaMismatchText(summarizerOutputSchema, checked.faults)}. Nothing was written.`);
  try {
    return applyGatedSummarizerOutput(plan, data, thresholds);
  } catch (err) {
    if (err instanceof DistillationRefusedError) throw new DistillationRefusedError(err.gates, who, { cause: err });
    if (err instanceof BrainError) throw new SummarizerError(`${who} cannot be used: ${err.message.replace(/^The summarizer's answer /, "it ")}\nNothing was written.`, { cause: err });
    throw err;
  }
}

/** Most of a summarizer's stdout brain will hold; an LLM's answer is far smaller. */
const MAX_ANSWER_BYTES = 32 * 1024 * 1024;

/**
 * Runs the summarizer command in a shell in the workspace, the input as JSON
 * on stdin, and parses its stdout as JSON. It runs in its own process group
 * so a timeout kills the whole pipeline, not just the shell.
 */
export function runSummarizer(command: string, input: SummarizerInput, ws: Workspace): Promise<unknown> {
  const timeoutMs = ws.config.summarizerTimeoutMs;
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, { shell: true, cwd: ws.root, stdio: ["pipe", "pipe", "pipe"], detached: process.platform !== "win32" });
    const out: Buffer[] = [];
    let outBytes = 0;
    let err = "";
    let timedOut = false;
    let tooBig = false;
    const kill = () => {
      try {
        if (child.pid && process.platform !== "win32") process.kill(-child.pid, "SIGKILL");
        else child.kill("SIGKILL");
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, timeoutMs);
    child.stdout.on("data", (d: Buffer) => {
      outBytes += d.length;
      if (outBytes > MAX_ANSWER_BYTES) {
        tooBig = true;
        kill();
      } else out.push(d);
    });
    child.stderr.on("data", (d: Buffer) => (err = (err + d.toString("utf8")).slice(-2000)));
    // A summarizer that exits without reading its input is judged by its answer, not by EPIPE.
    child.stdin.on("error", () => {});
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(new SummarizerError(`Cannot start the summarizer \`${command}\`: ${e.message}. Nothing was written.`, { cause: e }));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const fail = (what: string) => reject(new SummarizerError(`The summarizer \`${command}\` ${what}. Nothing was written.`));
      if (timedOut) return fail(`did not answer within ${timeoutMs / 1000} s and was stopped; raise "summarizerTimeoutMs" in brain.config.json if it needs longer`);
      if (tooBig) return fail(`printed more than ${MAX_ANSWER_BYTES / 1024 / 1024} MB and was stopped`);
      const stderr = err.trim() ? `: ${err.trim().split("\n").slice(-5).join("\n")}` : "";
      if (code !== 0) return fail(`failed (${signal ? `killed by ${signal}` : `exit code ${code}`})${stderr}`);
      const text = Buffer.concat(out).toString("utf8").trim();
      if (!text) return fail(`printed nothing; it must print JSON like {"entries": [...]} on stdout`);
      try {
        resolvePromise(JSON.parse(text));
      } catch (e) {
        fail(`answered invalid JSON (${(e as Error).message}); it began ${JSON.stringify(text.slice(0, 80))}`);
      }
    });
    child.stdin.end(JSON.stringify(input));
  });
}
