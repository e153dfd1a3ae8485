// The scripted week the demo plays: [local time, brain arguments].
export const DEMO_WEEK = [
  ["2026-11-16T09:10", ["log", "--kind", "decision", "Chose pnpm because the monorepo needs workspaces", "--tag", "tooling"]],
  ["2026-11-16T11:40", ["log", "--kind", "error", "npm ERR! ERESOLVE unable to resolve dependency tree in apps/web"]],
  ["2026-11-16T11:52", ["log", "--kind", "lesson", "Run pnpm install from the repo root, never inside a package", "--tag", "tooling"]],
  ["2026-11-17T10:05", ["queue", "add", "The staging database is only reachable over the VPN", "--tag", "staging"]],
  ["2026-11-17T10:20", ["queue", "add", "--kind", "decision", "Keep migrations idempotent so retries are safe", "--tag", "db"]],
  ["2026-11-17T17:30", ["queue", "drain"]],
  ["2026-11-18T14:00", ["log", "--kind", "lesson", "Run migrations before seeding, or the seed fails on missing tables", "--tag", "db"]],
  ["2026-11-19T09:45", ["log", "Deployed api 1.4.2 to staging; smoke tests green", "--tag", "deploy"]],
  ["2026-11-20T16:10", ["log", "--kind", "lesson", "Seed only after the migrations ran; the seed needs the new tables", "--tag", "db"]],
  ["2026-11-20T16:15", ["history", "-n", "3"]],
];
