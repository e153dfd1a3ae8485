// The scripted week the demo plays: [local time, brain arguments].
const deploy = (host, branch) => ["op", "deploy-api", `host=${host}`, `branch=${branch}`, "--step", `git checkout ${branch}`, "--step", "npm run build", "--step", `rsync -a dist/ deploy@${host}:/srv/api`];

export const DEMO_WEEK = [
  ["2026-11-16T09:10", ["log", "--kind", "decision", "Chose pnpm because the monorepo needs workspaces", "--tag", "tooling"]],
  ["2026-11-16T11:40", ["check", "npm ERR! ERESOLVE unable to resolve dependency tree in apps/web"]],
  ["2026-11-16T11:52", ["error", "npm ERR! ERESOLVE unable to resolve dependency tree in apps/web", "--fix", "Run pnpm install from the repo root", "--cause", "npm was run inside a workspace package"]],
  ["2026-11-16T15:00", deploy("web1", "main")],
  ["2026-11-17T10:05", ["queue", "add", "The staging database is only reachable over the VPN", "--tag", "staging"]],
  ["2026-11-17T10:20", ["queue", "add", "--kind", "decision", "Keep migrations idempotent so retries are safe", "--tag", "db"]],
  ["2026-11-17T14:30", ["strategy", "record", "flaky-e2e-login", "Wait for network idle before asserting", "--result", "success", "--description", "E2E login test times out intermittently"]],
  ["2026-11-17T16:45", deploy("web2", "release-1.4")],
  ["2026-11-17T17:30", ["queue", "drain"]],
  ["2026-11-18T09:30", ["check", "npm ERR! ERESOLVE unable to resolve dependency tree in apps/admin"]],
  ["2026-11-18T14:00", ["log", "--kind", "lesson", "Run migrations before seeding, or the seed fails on missing tables", "--tag", "db"]],
  ["2026-11-18T15:10", ["strategy", "record", "flaky-e2e-login", "Wait for network idle before asserting", "--result", "success"]],
  ["2026-11-19T09:45", deploy("web3", "hotfix-login")],
  ["2026-11-19T09:50", ["log", "--kind", "lesson", "Run migrations before seeding or the seed fails", "--tag", "db"]],
  ["2026-11-19T10:00", ["playbook", "suggest"]],
  ["2026-11-19T10:05", ["playbook", "new", "deploy-api", "--from-suggestion"]],
  ["2026-11-19T10:06", ["playbook", "show", "deploy-api", "--set", "host=web4", "--set", "branch=main"]],
  ["2026-11-20T11:20", ["strategy", "record", "flaky-e2e-login", "Retry the test three times", "--result", "failure"]],
  ["2026-11-20T16:10", ["log", "--kind", "lesson", "Run the migrations before seeding, since the seed needs the new tables", "--tag", "db"]],
  ["2026-11-20T16:12", ["strategy", "show", "flaky-e2e-login"]],
  ["2026-11-20T16:15", ["recall", "seed", "database", "order"]],
  ["2026-11-21T09:00", ["context", "--budget", "700", "--query", "deploy api"]],
  // The end of the week: distill the logs, then see whether learning happened and the files are healthy.
  ["2026-11-21T18:00", ["consolidate"]],
  ["2026-11-21T18:05", ["stats", "--since", "2026-11-16"]],
  ["2026-11-21T18:06", ["doctor"]],
];
