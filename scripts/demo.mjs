// `npm start`: a short scripted week of agent activity, played through the
// real `brain` commands in a temporary workspace, then what was learned and
// the audit trail. Each step runs the CLI as an agent would, with BRAIN_NOW
// setting the clock so the week unfolds over several days.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEMO_WEEK } from "./demo-week.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const brain = join(root, "bin", "brain.js");
const ws = mkdtempSync(join(tmpdir(), "brain-demo-"));
const bold = (s) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const dim = (s) => (process.stdout.isTTY ? `\x1b[2m${s}\x1b[0m` : s);

function run(args, when) {
  // git's dates follow the scripted clock too, so the audit trail and the metrics read the same week.
  const env = { ...process.env, BRAIN_NOW: when, GIT_AUTHOR_DATE: `${when}:00`, GIT_COMMITTER_DATE: `${when}:00` };
  delete env.BRAIN_WORKSPACE;
  const r = spawnSync(process.execPath, [brain, ...args], { cwd: ws, env, encoding: "utf8" });
  const shown = args.map((a) => (/[\s"'$]/.test(a) ? JSON.stringify(a) : a)).join(" ");
  console.log(`${dim(when.replace("T", " "))}  $ brain ${shown}`);
  const out = `${r.stdout}${r.stderr}`.trimEnd();
  if (out) console.log(out.replace(/^/gm, "    "));
  return r;
}

console.log(bold(`brain demo — a week of agent memory in ${ws}\n`));
run(["init"], "2026-11-16T08:55");
for (const [when, args] of DEMO_WEEK) run(args, when);

console.log(bold("\nWhat the agents learned (memory/*.md):\n"));
for (const f of readdirSync(join(ws, "memory")).filter((f) => /^\d{4}-\d{2}-\d{2}\.md$/.test(f)).sort()) {
  console.log(dim(`--- memory/${f}`));
  console.log(readFileSync(join(ws, "memory", f), "utf8").trimEnd());
}
if (existsSync(join(ws, "MEMORY.md"))) {
  console.log(dim("\n--- MEMORY.md"));
  console.log(readFileSync(join(ws, "MEMORY.md"), "utf8").trimEnd());
}

console.log(bold("\nThe audit trail (git log --stat):\n"));
console.log(execFileSync("git", ["log", "--stat", "--format=%h %ad %s%n%b", "--date=format:%Y-%m-%d %H:%M"], { cwd: ws, encoding: "utf8" }).trimEnd());
console.log(bold("\nThe review page for a person (brain report):\n"));
run(["report", "--since", "2026-11-16"], "2026-11-21T18:10");
console.log(bold(`\nThe workspace stays at ${ws} — cd there and try \`brain history\` or \`git log -p\`; open ${join(ws, ".brain", "report.html")} in a browser.`));
