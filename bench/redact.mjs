// Redaction: recall and false positives on the test corpus
// (test/fixtures/secrets-corpus.ts), and the time `redactSecrets` takes on
// 1 MB of ordinary log text and of crafted shapes, with the ratio to 256 KB
// (linear work gives about 4). Run alone with `node bench/redact.mjs` after a
// build, or as part of `npm run bench`.
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { tsImport } from "tsx/esm/api";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { redactSecrets } = await import(pathToFileURL(join(root, "dist/index.js")).href);
const { SECRET_SAMPLES, LOOK_ALIKES } = await tsImport(pathToFileURL(join(root, "test/fixtures/secrets-corpus.ts")).href, import.meta.url);

function leaks(text, secret) {
  const rest = text.replace(/\[REDACTED:[a-z0-9-]+\]/g, "");
  const n = Math.min(8, secret.length);
  return [0, Math.floor((secret.length - n) / 2), secret.length - n].some((i) => rest.includes(secret.slice(i, i + n)));
}

/** Daily-log lines with a credential in one line out of fifty. */
function logText(bytes) {
  const words = "deploy staging database migration token secret password cache server request timeout retry config build release rollback".split(" ");
  let s = 7;
  const rand = () => ((s = (s * 1664525 + 1013904223) >>> 0), s / 2 ** 32);
  const pick = () => words[Math.floor(rand() * words.length)];
  const lines = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const body = Array.from({ length: 14 }, pick).join(" ");
    const extra = i % 50 === 0 ? ` export DB_PASSWORD=Xk9${i}pQ2mZ7vR4 and ${["gh", "p_"].join("")}${"aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hJ6"}` : "";
    const line = `- 10:${String(i % 60).padStart(2, "0")} [note] ${body}${extra} #ops`;
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join("\n").slice(0, bytes);
}

const fill = (unit, n) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
function fastest(text, runs) {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    redactSecrets(text);
    best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e6);
  }
  return best;
}

export function benchRedaction(runs = 5) {
  const caught = SECRET_SAMPLES.filter((s) => {
    const r = redactSecrets(s.text);
    return r.redactions.length > 0 && !leaks(r.text, s.secret);
  }).length;
  const falsePositives = LOOK_ALIKES.filter((s) => redactSecrets(s).text !== s).length;
  const inputs = [
    ["daily-log text, a credential every 50 lines", (n) => logText(n)],
    ["`a.a.a.…` (8 s for 64 KB before)", (n) => fill("a.", n)],
    ["`a=a=a=…`", (n) => fill("a=", n)],
    ['`"password": "` repeated', (n) => fill('"password": "', n)],
    ["`sk-sk-sk-…`", (n) => fill("sk-", n)],
    ["`https://https://…`", (n) => fill("https://", n)],
    ["PEM BEGIN lines without END", (n) => fill("-----BEGIN RSA PRIVATE KEY-----\n", n)],
    ["one 1 MB base64 run", (n) => fill("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODkw", n)],
  ];
  const rows = inputs.map(([name, make]) => {
    const small = make(256 * 1024);
    const large = make(1024 * 1024);
    fastest(small, 1);
    const s = fastest(small, runs);
    const l = fastest(large, runs);
    process.stderr.write(`bench: redaction ${name} ${l.toFixed(1)} ms per MB\n`);
    return `| ${name} | ${s.toFixed(1)} | ${l.toFixed(1)} | ${(l / s).toFixed(1)} | ${(1000 / l).toFixed(1)} |`;
  });
  return [
    "## Redaction",
    "",
    `Corpus (\`test/fixtures/secrets-corpus.ts\`): ${caught} of ${SECRET_SAMPLES.length} credential formats caught, ` +
      `${falsePositives} of ${LOOK_ALIKES.length} look-alikes redacted. Time of \`redactSecrets\`, fastest of ${runs} runs:`,
    "",
    "| input | 256 KB ms | 1 MB ms | ratio | MB/s |",
    "|---|---:|---:|---:|---:|",
    ...rows,
    "",
  ].join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.stdout.write(benchRedaction() + "\n");
