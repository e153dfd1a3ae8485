import { execFileSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commitPaths } from "../src/store/git/commit.js";
import { cleanMessage, commitInProcess, startInProcessCommits, stopInProcessCommits } from "../src/store/git/in-process-commit.js";
import { parseIndex } from "../src/store/git/index-file.js";
import { bareGitEnv, gitWorkspace, tmpWorkspace } from "./helpers.js";

/**
 * brain's in-process commits against git's own: the same change committed
 * in two copies of one repository, by brain in one and by
 * `git commit --no-verify --only` in the other, must give the same commit id,
 * the same index, the same reflog line and a repository `git fsck` finds whole.
 */

const env = bareGitEnv({ GIT_AUTHOR_NAME: "Agent Smith", GIT_AUTHOR_EMAIL: "agent@example.com", GIT_COMMITTER_NAME: "Agent Smith", GIT_COMMITTER_EMAIL: "agent@example.com" });
const saved = { ...process.env };

beforeAll(() => {
  // The identity and configuration git reads in this process: the same as the real git below is given.
  for (const k of Object.keys(process.env)) if (/^GIT_|^EMAIL$/.test(k)) delete process.env[k];
  Object.assign(process.env, { GIT_AUTHOR_NAME: env.GIT_AUTHOR_NAME, GIT_AUTHOR_EMAIL: env.GIT_AUTHOR_EMAIL, GIT_COMMITTER_NAME: env.GIT_COMMITTER_NAME, GIT_COMMITTER_EMAIL: env.GIT_COMMITTER_EMAIL });
  process.env.GIT_CONFIG_GLOBAL = env.GIT_CONFIG_GLOBAL;
  process.env.GIT_CONFIG_NOSYSTEM = "1";
});

afterAll(() => {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
});

function git(dir: string, args: string[], input?: string, extra: NodeJS.ProcessEnv = {}): string {
  return execFileSync("git", args, { cwd: dir, env: { ...env, ...extra }, encoding: "utf8", input });
}

const FILES = {
  ".gitignore": ".brain/\n",
  // brain's merge drivers and a file kept as written: attributes that change nothing git stores.
  ".gitattributes": "memory/*.md merge=brain-log\n*.json -text\n",
  "MEMORY.md": "# Memory\n",
  "memory/2026-11-30.md": "- 09:00 [note] first\n",
  "memory/archive/2026-10-01.md": "old\n",
  "strategies.json": "{}\n",
  "playbooks/deploy.md": "# deploy\n",
};

/** A repository of FILES committed by git, and a copy of it. */
function twins(): [string, string] {
  const a = gitWorkspace(FILES);
  // A commit by git leaves the index with its cached trees, which an in-process commit must mark invalid.
  git(a, ["commit", "-q", "--allow-empty", "-m", "second"]);
  // Where what git's configuration says is kept between processes.
  mkdirSync(join(a, ".brain"));
  const b = tmpWorkspace();
  cpSync(a, b, { recursive: true });
  return [a, b];
}

/** Commits `paths` with `message` in `a` in-process, and in `b` with git at the same second and zone. */
async function commitBoth(a: string, b: string, paths: string[], message: string, edit: (dir: string) => void) {
  edit(a);
  edit(b);
  const when = new Date(Date.UTC(2026, 10, 30, 9, 15, 42));
  const made = await commitInProcess(a, paths, message, when);
  expect(made, "the commit is made in-process").not.toBeNull();
  const date = /committer .* (\d+ [+-]\d{4})$/m.exec(git(a, ["cat-file", "commit", "HEAD"]))![1]!;
  git(b, ["commit", "--no-verify", "--only", "-q", "-F", "-", "--", ...paths], message, { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date });
  return made!;
}

const lastLine = (file: string) => readFileSync(file, "utf8").trimEnd().split("\n").pop();

describe("an in-process commit", () => {
  it("is the commit, index and reflog git makes, in a repository git finds whole", async () => {
    const [a, b] = twins();
    const message = "brain: log note  \n\n\n\nbody line   \n  indented\n\n\n";
    const made = await commitBoth(a, b, ["memory/2026-11-30.md", "MEMORY.md"], message, (dir) => {
      writeFileSync(join(dir, "memory/2026-11-30.md"), "- 09:00 [note] first\n- 09:15 [note] second — ünïcödé\n");
      writeFileSync(join(dir, "MEMORY.md"), "# Memory\n\n- a lesson\n");
    });
    expect(made.sha).toBe(git(b, ["rev-parse", "HEAD"]).trim());
    expect(made.indexStale).toBe(false);
    expect(git(a, ["ls-files", "-s"])).toBe(git(b, ["ls-files", "-s"]));
    expect(lastLine(join(a, ".git/logs/HEAD"))).toBe(lastLine(join(b, ".git/logs/HEAD")));
    expect(lastLine(join(a, ".git/logs/refs/heads/main"))).toBe(lastLine(join(b, ".git/logs/refs/heads/main")));
    git(a, ["fsck", "--strict", "--no-dangling"]);
    expect(git(a, ["status", "--porcelain"])).toBe("");
    // The index's cached trees were marked invalid: git builds the committed tree from it.
    expect(git(a, ["write-tree"])).toBe(git(a, ["rev-parse", "HEAD^{tree}"]));
    expect(git(a, ["log", "-1", "--format=%B"])).toBe("brain: log note\n\nbody line\n  indented\n\n");
  });

  it("leaves a person's staged and unstaged changes to other files as they were, as git does", async () => {
    const [a, b] = twins();
    for (const dir of [a, b]) {
      writeFileSync(join(dir, "playbooks/deploy.md"), "# deploy, staged by a person\n");
      git(dir, ["add", "playbooks/deploy.md"]);
      writeFileSync(join(dir, "strategies.json"), '{"edited": true}\n');
    }
    const made = await commitBoth(a, b, ["memory/2026-11-30.md"], "brain: log\n", (dir) => writeFileSync(join(dir, "memory/2026-11-30.md"), "changed\n"));
    expect(made.sha).toBe(git(b, ["rev-parse", "HEAD"]).trim());
    expect(git(a, ["status", "--porcelain"])).toBe("M  playbooks/deploy.md\n M strategies.json\n");
    expect(git(a, ["ls-files", "-s"])).toBe(git(b, ["ls-files", "-s"]));
    expect(git(a, ["write-tree"])).toBe(git(b, ["write-tree"]));
    git(a, ["fsck", "--strict", "--no-dangling"]);
  });

  it("commits from a workspace in a folder of a larger repository, a name outside ASCII included, as git does from there", async () => {
    const a = gitWorkspace({ ".gitignore": ".brain/\n", "README.md": "a project\n", "notas/MEMORY.md": "# Memoria\n", "notas/recuerdo-ñ.md": "uno\n" });
    mkdirSync(join(a, "notas", ".brain"));
    const b = tmpWorkspace();
    cpSync(a, b, { recursive: true });
    const made = await commitBoth(join(a, "notas"), join(b, "notas"), ["recuerdo-ñ.md", "MEMORY.md"], "brain: notas\n", (dir) => {
      writeFileSync(join(dir, "recuerdo-ñ.md"), "uno\ndos\n");
      writeFileSync(join(dir, "MEMORY.md"), "# Memoria\n\n- algo\n");
    });
    expect(made.sha).toBe(git(b, ["rev-parse", "HEAD"]).trim());
    expect(git(a, ["ls-files", "-s"])).toBe(git(b, ["ls-files", "-s"]));
    expect(git(a, ["status", "--porcelain"])).toBe("");
    git(a, ["fsck", "--strict", "--no-dangling"]);
  });

  it("commits a file made executable with its new mode", async () => {
    const [a, b] = twins();
    const made = await commitBoth(a, b, ["playbooks/deploy.md"], "brain: playbook\n", (dir) => {
      writeFileSync(join(dir, "playbooks/deploy.md"), "#!/bin/sh\n");
      chmodSync(join(dir, "playbooks/deploy.md"), 0o755);
    });
    expect(made.sha).toBe(git(b, ["rev-parse", "HEAD"]).trim());
    expect(git(a, ["ls-tree", "HEAD", "playbooks/deploy.md"])).toMatch(/^100755 /);
  });

  it("is left to git, with nothing written, where it is not the plain case", async () => {
    const cases: [string, (dir: string) => void, string[]][] = [
      ["git's index lock is held", (d) => writeFileSync(join(d, ".git/index.lock"), ""), ["MEMORY.md"]],
      ["a post-commit hook would run", (d) => writeFileSync(join(d, ".git/hooks/post-commit"), "#!/bin/sh\n", { mode: 0o755 }), ["MEMORY.md"]],
      ["attributes could filter the file", (d) => writeFileSync(join(d, ".gitattributes"), "*.md filter=lfs\n"), ["MEMORY.md"]],
      ["a macro could convert line endings", (d) => writeFileSync(join(d, ".gitattributes"), "[attr]notes text eol=crlf\n*.md notes\n"), ["MEMORY.md"]],
      ["the path is not tracked", (d) => writeFileSync(join(d, "new.md"), "new\n"), ["new.md"]],
      ["the path is marked assume-unchanged", (d) => git(d, ["update-index", "--assume-unchanged", "MEMORY.md"]), ["MEMORY.md"]],
      ["the path is outside the sparse checkout", (d) => git(d, ["update-index", "--skip-worktree", "MEMORY.md"]), ["MEMORY.md"]],
      ["the objects are packed", (d) => git(d, ["gc", "-q"]), ["MEMORY.md"]],
      ["the index is split (an extension git requires readers to know)", (d) => git(d, ["update-index", "--split-index"]), ["MEMORY.md"]],
      ["commits are signed", (d) => git(d, ["config", "commit.gpgsign", "true"]), ["MEMORY.md"]],
      ["HEAD is detached", (d) => git(d, ["checkout", "-q", "--detach"]), ["MEMORY.md"]],
      ["nothing changed", (d) => writeFileSync(join(d, "MEMORY.md"), "# Memory\n"), ["MEMORY.md"]],
    ];
    for (const [what, arrange, paths] of cases) {
      const [a] = twins();
      writeFileSync(join(a, "MEMORY.md"), what === "nothing changed" ? "# Memory\n" : "# Memory\n\n- changed\n");
      arrange(a);
      const head = git(a, ["rev-parse", "HEAD"]);
      const index = readFileSync(join(a, ".git/index"));
      expect(await commitInProcess(a, paths, "brain: x\n"), what).toBeNull();
      expect(git(a, ["rev-parse", "HEAD"]), what).toBe(head);
      expect(readFileSync(join(a, ".git/index")).equals(index), what).toBe(true);
      expect(existsSync(join(a, ".git/index.lock")), what).toBe(what === "git's index lock is held");
    }
  });

  it("reads an index with only extensions it may drop or keep, and refuses one git requires readers to know", () => {
    const [a] = twins();
    expect(parseIndex(readFileSync(join(a, ".git/index")))?.extensions.map((e) => e.signature)).toContain("TREE");
    git(a, ["update-index", "--split-index"]);
    expect(readFileSync(join(a, ".git/index")).includes(Buffer.from("link"))).toBe(true);
    expect(parseIndex(readFileSync(join(a, ".git/index")))).toBeNull();
  });

  it("works again once git has committed after a `git gc`", async () => {
    const [a] = twins();
    git(a, ["gc", "-q"]);
    writeFileSync(join(a, "memory/2026-11-30.md"), "one\n");
    // The first commit after the packing goes through git, which writes the trees on its way loose again.
    const first = await commitPaths(a, ["memory/2026-11-30.md"], "brain: one", "");
    expect(first.committed).toBe(true);
    writeFileSync(join(a, "memory/2026-11-30.md"), "two\n");
    const made = await commitInProcess(a, ["memory/2026-11-30.md"], "brain: two\n");
    expect(made?.sha).toBe(git(a, ["rev-parse", "HEAD"]).trim());
    expect(git(a, ["show", "HEAD:memory/2026-11-30.md"])).toBe("two\n");
    git(a, ["fsck", "--strict", "--no-dangling"]);
  });

  it("keeps what git's configuration says in .brain for the next process, and makes no commit of its own where it has nowhere to keep it", async () => {
    const [a] = twins();
    writeFileSync(join(a, "MEMORY.md"), "one\n");
    expect(await commitInProcess(a, ["MEMORY.md"], "brain: one\n")).not.toBeNull();
    const kept = JSON.parse(readFileSync(join(a, ".brain/git-settings.json"), "utf8"));
    expect(kept.settings).toMatchObject({ allowed: true, author: "Agent Smith <agent@example.com>", committer: "Agent Smith <agent@example.com>" });
    const [c] = twins();
    rmSync(join(c, ".brain"), { recursive: true });
    writeFileSync(join(c, "MEMORY.md"), "one\n");
    expect(await commitInProcess(c, ["MEMORY.md"], "brain: one\n")).toBeNull();
  });

  it("is not made once stopped", async () => {
    const [a] = twins();
    writeFileSync(join(a, "MEMORY.md"), "one\n");
    stopInProcessCommits();
    try {
      expect(await commitInProcess(a, ["MEMORY.md"], "brain: one\n")).toBeNull();
    } finally {
      startInProcessCommits();
    }
  });

  it("reads the configuration again when it changes", async () => {
    const [a] = twins();
    writeFileSync(join(a, "MEMORY.md"), "one\n");
    expect(await commitInProcess(a, ["MEMORY.md"], "brain: one\n")).not.toBeNull();
    git(a, ["config", "commit.gpgsign", "true"]);
    writeFileSync(join(a, "MEMORY.md"), "two\n");
    expect(await commitInProcess(a, ["MEMORY.md"], "brain: two\n")).toBeNull();
  });
});

describe("cleanMessage", () => {
  it("keeps a message as `git commit -F -` keeps it", () => {
    for (const message of ["subject\n", "  subject  \n\n\n body\t\n\n", "\n\nsubject\r\n\nbody\n\n\nmore\n\n", "a\n# not a comment\n"]) {
      const dir = gitWorkspace({ "f.md": "x\n" });
      writeFileSync(join(dir, "f.md"), "y\n");
      git(dir, ["commit", "-q", "--no-verify", "-F", "-", "--", "f.md"], message);
      expect(cleanMessage(message)).toBe(git(dir, ["cat-file", "commit", "HEAD"]).split("\n\n").slice(1).join("\n\n"));
    }
  });
});
