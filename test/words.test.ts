import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UsageError } from "../src/core/errors.js";
import { initWorkspace, recordError } from "../src/index.js";
import { tokenize } from "../src/core/search/tokenize.js";
import { textWords } from "../src/core/signature/matcher.js";
import { errorSignature, textSignature } from "../src/core/signature/signature.js";
import { stripErrorCue } from "../src/core/memory/error-fix.js";
import { hashSourceText, makeEntryId, matchTokens, normalizedKey } from "../src/core/text/match.js";
import { toSlug } from "../src/core/text/slug.js";
import { ERROR_STOP_WORDS, foldMarks, foldText, MEMORY_STOP_WORDS, QUERY_STOP_WORDS, stemErrorWord, stemMemoryWord, stemQueryWord } from "../src/core/text/words.js";
import { tmpWorkspace } from "./helpers.js";

/*
 * The words of a text are read three ways (see src/core/text/words.ts), and
 * some of what they yield is stored: MEMORY.md entry ids and the rule keys
 * come from the memory variant, `src=…@hash` from the folded text, the
 * `match` patterns `brain error` writes to strategies.json from the error
 * signature, and problem keys, playbook names and tags are slugs. A change
 * to any of them would orphan what workspaces already hold, so these tables
 * were computed once, before the words module existed, and are pinned as
 * literals. Non-ASCII expectations are written as escapes so no editor can
 * renormalize them.
 */

const PINNED_ERROR_ENTRY_ID = "o6bx";

const LONG = "Always run the database migrations before seeding, then restart the worker pool. ".repeat(120);

const STORED: ReadonlyArray<{ name: string; text: string; entryId: string; entryIdTaken: string; normalizedKey: string; sourceHash: string; signature: string; slug: string | null }> = [
  {
    name: "ascii",
    text: "Run migrations before seeding the database",
    entryId: "4685",
    entryIdTaken: "r4685",
    normalizedKey: "run migration befor seed databas",
    sourceHash: "crxsuz",
    signature: "run migrations before seeding the database",
    slug: "run-migrations-before-seeding-the-database",
  },
  {
    name: "ascii restated",
    text: "ALWAYS run the migrations, before seeding!",
    entryId: "p98f",
    entryIdTaken: "xp98f",
    normalizedKey: "run migration befor seed",
    sourceHash: "ozdsqe",
    signature: "always run the migrations, before seeding!",
    slug: "always-run-the-migrations-before-seeding",
  },
  {
    name: "negated",
    text: "Never run migrations before seeding the database",
    entryId: "4685",
    entryIdTaken: "r4685",
    normalizedKey: "!run migration befor seed databas",
    sourceHash: "nvsdgx",
    signature: "never run migrations before seeding the database",
    slug: "never-run-migrations-before-seeding-the-database",
  },
  {
    name: "contraction",
    text: "Don't commit the .env file; it's Caroline's key",
    entryId: "8oi1",
    entryIdTaken: "u8oi1",
    normalizedKey: "!commit env fil carolin key",
    sourceHash: "aoqtqo",
    signature: "don't commit the .env file; it's caroline's key",
    slug: "don-t-commit-the-env-file-it-s-caroline-s-key",
  },
  {
    name: "accents",
    text: "Déploiement échoué : café naïve résumé",
    entryId: "a3j3",
    entryIdTaken: "wa3j3",
    normalizedKey: "deploiement echou caf naiv resum",
    sourceHash: "l2v5hj",
    signature: "d\u00e9ploiement \u00e9chou\u00e9 : caf\u00e9 na\u00efve r\u00e9sum\u00e9",
    slug: "deploiement-echoue-cafe-naive-resume",
  },
  {
    name: "ligatures and letters",
    text: "Straße Œuvre ﬁle Ærø łódź ı",
    entryId: "ab0j",
    entryIdTaken: "6ab0j",
    normalizedKey: "stra\u00df \u0153uvr fil \u00e6r\u00f8 \u0142odz \u0131",
    sourceHash: "xjo69i",
    signature: "stra\u00dfe \u0153uvre \ufb01le \u00e6r\u00f8 \u0142\u00f3d\u017a \u0131",
    slug: "stra\u00dfe-\u0153uvre-file-\u00e6r\u00f8-\u0142odz-\u0131",
  },
  {
    name: "full width",
    text: "ＦＵＬＬ　ｗｉｄｔｈ　ＡＢＣ１２３",
    entryId: "g4w0",
    entryIdTaken: "2g4w0",
    normalizedKey: "full width abc123",
    sourceHash: "sf4fvk",
    signature: "\uff46\uff55\uff4c\uff4c \uff57\uff49\uff44\uff54\uff48 \uff41\uff42\uff43\uff11\uff12\uff13",
    slug: "full-width-abc123",
  },
  {
    name: "cjk chinese",
    text: "数据库迁移必须在种子数据之前运行",
    entryId: "h6on",
    entryIdTaken: "ih6on",
    normalizedKey: "\u6570\u636e\u5e93\u8fc1\u79fb\u5fc5\u987b\u5728\u79cd\u5b50\u6570\u636e\u4e4b\u524d\u8fd0\u884c",
    sourceHash: "xih6on",
    signature: "\u6570\u636e\u5e93\u8fc1\u79fb\u5fc5\u987b\u5728\u79cd\u5b50\u6570\u636e\u4e4b\u524d\u8fd0\u884c",
    slug: "\u6570\u636e\u5e93\u8fc1\u79fb\u5fc5\u987b\u5728\u79cd\u5b50\u6570\u636e\u4e4b\u524d\u8fd0\u884c",
  },
  {
    name: "chinese mixed",
    text: "部署失败: npm install 报错 ECONNREFUSED 127.0.0.1:5432",
    entryId: "tq70",
    entryIdTaken: "btq70",
    normalizedKey: "\u90e8\u7f72\u5931\u8d25 npm install \u62a5\u9519 econnrefus 127 0 1 5432",
    sourceHash: "jfsf5f",
    signature: "\u90e8\u7f72\u5931\u8d25: npm install \u62a5\u9519 econnrefused <num>:<num>",
    slug: "\u90e8\u7f72\u5931\u8d25-npm-install-\u62a5\u9519-econnrefused-127-0-0-1-5432",
  },
  {
    name: "japanese voiced",
    text: "データベースがダウンしました",
    entryId: "45td",
    entryIdTaken: "645td",
    normalizedKey: "\u30c6\u30fc\u30bf\u30d8\u30fc\u30b9\u304b\u30bf\u30a6\u30f3\u3057\u307e\u3057\u305f",
    sourceHash: "nlkqtt",
    signature: "\u30c7\u30fc\u30bf\u30d9\u30fc\u30b9\u304c\u30c0\u30a6\u30f3\u3057\u307e\u3057\u305f",
    slug: "\u30c6\u30fc\u30bf\u30d8\u30fc\u30b9\u304b\u30bf\u30a6\u30f3\u3057\u307e\u3057\u305f",
  },
  {
    name: "korean",
    text: "데이터베이스 마이그레이션을 먼저 실행하세요",
    entryId: "9nrz",
    entryIdTaken: "69nrz",
    normalizedKey: "\u1103\u1166\u110b\u1175\u1110\u1165\u1107\u1166\u110b\u1175\u1109\u1173 \u1106\u1161\u110b\u1175\u1100\u1173\u1105\u1166\u110b\u1175\u1109\u1167\u11ab\u110b\u1173\u11af \u1106\u1165\u11ab\u110c\u1165 \u1109\u1175\u11af\u1112\u1162\u11bc\u1112\u1161\u1109\u1166\u110b\u116d",
    sourceHash: "p2a9fe",
    signature: "\ub370\uc774\ud130\ubca0\uc774\uc2a4 \ub9c8\uc774\uadf8\ub808\uc774\uc158\uc744 \uba3c\uc800 \uc2e4\ud589\ud558\uc138\uc694",
    slug: "\u1103\u1166\u110b\u1175\u1110\u1165\u1107\u1166\u110b\u1175\u1109\u1173-\u1106\u1161\u110b\u1175\u1100\u1173\u1105\u1166\u110b\u1175\u1109\u1167\u11ab\u110b\u1173\u11af-\u1106\u1165\u11ab\u110c\u1165-\u1109\u1175\u11af\u1112\u1162\u11bc\u1112\u1161\u1109\u1166\u110b\u116d",
  },
  {
    name: "emoji",
    text: "Deploy 🚀 succeeded 🎉 after fixing the 🐛",
    entryId: "t8tv",
    entryIdTaken: "6t8tv",
    normalizedKey: "deploy succeed after fix",
    sourceHash: "sp3m2t",
    signature: "deploy \ud83d\ude80 succeeded \ud83c\udf89 after fixing the \ud83d\udc1b",
    slug: "deploy-succeeded-after-fixing-the",
  },
  {
    name: "punctuation",
    text: "--- fix: (use) `npm ci` [not] {npm install}!!! ... ?? #tag #ops/deploy",
    entryId: "1h54",
    entryIdTaken: "g1h54",
    normalizedKey: "!use npm ci install",
    sourceHash: "bjrsfu",
    signature: "--- fix: (use) <str> [not] {npm install}!!! ... ?? #tag #ops/deploy",
    slug: "fix-use-npm-ci-not-npm-install-tag-ops-deploy",
  },
  {
    name: "numbers",
    text: "Port 5432 on staging, version 1.2.3, build #17 at 2026-11-21T09:30:00Z",
    entryId: "lqga",
    entryIdTaken: "ulqga",
    normalizedKey: "port 5432 stag version 1 2 3 build 2026 11 21t09 30 00z",
    sourceHash: "80fjkb",
    signature: "port <num> on staging, version <num>, build #<num> at <time>",
    slug: "port-5432-on-staging-version-1-2-3-build-17-at-2026-11-21t09-30-00z",
  },
  {
    name: "error path",
    text: "Error: ENOENT: no such file or directory, open '/home/ann/app/config.json' at Object.openSync (node:fs:601:3)",
    entryId: "ippu",
    entryIdTaken: "qippu",
    normalizedKey: "!enoent fil directory open hom ann app config json object opensync nod fs 601 3",
    sourceHash: "m9rtts",
    signature: "error: enoent: no such file or directory, open <str> at object.opensync (node:fs:<num>:<num>)",
    slug: "error-enoent-no-such-file-or-directory-open-home-ann-app-config-json-at-object-o",
  },
  {
    name: "error url",
    text: "FetchError: request to https://registry.npmjs.org/left-pad failed, reason: connect ETIMEDOUT 104.16.0.35:443",
    entryId: "9ew3",
    entryIdTaken: "t9ew3",
    normalizedKey: "fetcherror request http registry npmj org left pad fail reason connect etimedout 104 16 0 35 443",
    sourceHash: "u3w8wp",
    signature: "fetcherror: request to <url> failed, reason: connect etimedout <num>:<num>",
    slug: "fetcherror-request-to-https-registry-npmjs-org-left-pad-failed-reason-connect-et",
  },
  {
    name: "error uuid hex",
    text: "container 3f9a2b7c1d4e failed: job 123e4567-e89b-12d3-a456-426614174000 exited with 0x1F after 12.5s",
    entryId: "6924",
    entryIdTaken: "36924",
    normalizedKey: "container 3f9a2b7c1d4e fail job 123e4567 e89b 12d3 a456 426614174000 exit 0x1f after 12 5s",
    sourceHash: "qmftxk",
    signature: "container <hex> failed: job <uuid> exited with <hex> after <num>s",
    slug: "container-3f9a2b7c1d4e-failed-job-123e4567-e89b-12d3-a456-426614174000-exited-wi",
  },
  {
    name: "error windows",
    text: "Cannot find module 'C:\\Users\\ann\\proj\\index.js' TS2304 E0432",
    entryId: "as5o",
    entryIdTaken: "ras5o",
    normalizedKey: "!find modul c user ann proj index js ts2304 e0432",
    sourceHash: "5ehk8r",
    signature: "cannot find module <str> ts2304 e0432",
    slug: "cannot-find-module-c-users-ann-proj-index-js-ts2304-e0432",
  },
  {
    name: "error email quoted",
    text: "Permission denied for ann@example.com: \"secret thing\" and `cmd --flag`",
    entryId: "zf27",
    entryIdTaken: "qzf27",
    normalizedKey: "permission deni ann exampl com secret th cmd flag",
    sourceHash: "ecpxhh",
    signature: "permission denied for <email>: <str> and <str>",
    slug: "permission-denied-for-ann-example-com-secret-thing-and-cmd-flag",
  },
  {
    name: "multiline",
    text: "Traceback (most recent call last):\n  File \"/usr/lib/python3.11/site.py\", line 12, in <module>\nModuleNotFoundError: No module named 'requests'",
    entryId: "3i3s",
    entryIdTaken: "z3i3s",
    normalizedKey: "!traceback most recent call last fil usr lib python3 11 sit py lin 12 modul modulenotfounderror nam request",
    sourceHash: "056tr9",
    signature: "traceback (most recent call last): file <str>, line <num>, in <module> modulenotfounderror: no module named <str>",
    slug: "traceback-most-recent-call-last-file-usr-lib-python3-11-site-py-line-12-in-modul",
  },
  {
    name: "stop words only",
    text: "the and for with from it is a an",
    entryId: "ftxp",
    entryIdTaken: "9ftxp",
    normalizedKey: "",
    sourceHash: "i9ftxp",
    signature: "the and for with from it is a an",
    slug: "the-and-for-with-from-it-is-a-an",
  },
  {
    name: "empty",
    text: "",
    entryId: "ntfp",
    entryIdTaken: "tntfp",
    normalizedKey: "",
    sourceHash: "ztntfp",
    signature: "",
    slug: null,
  },
  {
    name: "whitespace",
    text: "  \t\n  ",
    entryId: "ntfp",
    entryIdTaken: "tntfp",
    normalizedKey: "",
    sourceHash: "ztntfp",
    signature: "",
    slug: null,
  },
  {
    name: "very long",
    text: LONG,
    entryId: "uj2m",
    entryIdTaken: "puj2m",
    normalizedKey: "run databas migration befor seed restart worker pool",
    sourceHash: "eg55dz",
    signature: "always run the database migrations before seeding, then restart the worker pool. always run the database migrations before seeding, then restart the worker pool. always run the database migrations before seeding, then restart the worker",
    slug: "always-run-the-database-migrations-before-seeding-then-restart-the-worker-pool-a",
  },
];

const WORDS: ReadonlyArray<{ name: string; text: string; matchTokens: { tokens: string[]; negated: boolean }; textWords: string[]; index: string[]; query: string[]; folded: string }> = [
  {
    name: "ascii",
    text: "Run migrations before seeding the database",
    matchTokens: {"tokens":["run","migration","befor","seed","databas"],"negated":false},
    textWords: ["run","migration","before","seed","database"],
    index: ["run","migrat","seed","databas"],
    query: ["run","migrat","seed","databas"],
    folded: "Run migrations before seeding the database",
  },
  {
    name: "ascii restated",
    text: "ALWAYS run the migrations, before seeding!",
    matchTokens: {"tokens":["run","migration","befor","seed"],"negated":false},
    textWords: ["alway","run","migration","before","seed"],
    index: ["alwai","run","migrat","seed"],
    query: ["alwai","run","migrat","seed"],
    folded: "ALWAYS run the migrations, before seeding!",
  },
  {
    name: "negated",
    text: "Never run migrations before seeding the database",
    matchTokens: {"tokens":["run","migration","befor","seed","databas"],"negated":true},
    textWords: ["never","run","migration","before","seed","database"],
    index: ["never","run","migrat","seed","databas"],
    query: ["never","run","migrat","seed","databas"],
    folded: "Never run migrations before seeding the database",
  },
  {
    name: "contraction",
    text: "Don't commit the .env file; it's Caroline's key",
    matchTokens: {"tokens":["commit","env","fil","carolin","key"],"negated":true},
    textWords: ["don","commit","env","file","caroline","key"],
    index: ["commit","env","file","carolin","kei"],
    query: ["commit","env","file","carolin","kei"],
    folded: "Don't commit the .env file; it's Caroline's key",
  },
  {
    name: "accents",
    text: "Déploiement échoué : café naïve résumé",
    matchTokens: {"tokens":["deploiement","echou","caf","naiv","resum"],"negated":false},
    textWords: ["deploiement","echoue","cafe","naive","resume"],
    index: ["deploiement","echou","cafe","naiv","resum"],
    query: ["deploiement","echou","cafe","naiv","resum"],
    folded: "Deploiement echoue : cafe naive resume",
  },
  {
    name: "ligatures and letters",
    text: "Straße Œuvre ﬁle Ærø łódź ı",
    matchTokens: {"tokens":["stra\u00df","\u0153uvr","fil","\u00e6r\u00f8","\u0142odz","\u0131"],"negated":false},
    textWords: ["stra\u00dfe","\u0153uvre","file","\u00e6r\u00f8","\u0142odz"],
    index: ["strass","oeuvr","o","euvr","file","aero","ero","lodz"],
    query: ["strass","oeuvr","o","euvr","file","aero","ero","lodz"],
    folded: "Strasse OEuvre file AEro lodz i",
  },
  {
    name: "full width",
    text: "ＦＵＬＬ　ｗｉｄｔｈ　ＡＢＣ１２３",
    matchTokens: {"tokens":["full","width","abc123"],"negated":false},
    textWords: ["full","width","abc123"],
    index: ["full","width","abc123","abc","123"],
    query: ["full","width","abc123","abc","123"],
    folded: "FULL width ABC123",
  },
  {
    name: "cjk chinese",
    text: "数据库迁移必须在种子数据之前运行",
    matchTokens: {"tokens":["\u6570\u636e\u5e93\u8fc1\u79fb\u5fc5\u987b\u5728\u79cd\u5b50\u6570\u636e\u4e4b\u524d\u8fd0\u884c"],"negated":false},
    textWords: ["\u6570\u636e\u5e93\u8fc1\u79fb\u5fc5\u987b\u5728\u79cd\u5b50\u6570\u636e\u4e4b\u524d\u8fd0\u884c"],
    index: ["\u6570","\u636e","\u5e93","\u8fc1","\u79fb","\u5fc5","\u987b","\u5728","\u79cd","\u5b50","\u6570","\u636e","\u4e4b","\u524d","\u8fd0","\u884c","\u6570\u636e","\u636e\u5e93","\u5e93\u8fc1","\u8fc1\u79fb","\u79fb\u5fc5","\u5fc5\u987b","\u987b\u5728","\u5728\u79cd","\u79cd\u5b50","\u5b50\u6570","\u6570\u636e","\u636e\u4e4b","\u4e4b\u524d","\u524d\u8fd0","\u8fd0\u884c"],
    query: ["\u6570\u636e","\u636e\u5e93","\u5e93\u8fc1","\u8fc1\u79fb","\u79fb\u5fc5","\u5fc5\u987b","\u987b\u5728","\u5728\u79cd","\u79cd\u5b50","\u5b50\u6570","\u6570\u636e","\u636e\u4e4b","\u4e4b\u524d","\u524d\u8fd0","\u8fd0\u884c"],
    folded: "\u6570\u636e\u5e93\u8fc1\u79fb\u5fc5\u987b\u5728\u79cd\u5b50\u6570\u636e\u4e4b\u524d\u8fd0\u884c",
  },
  {
    name: "chinese mixed",
    text: "部署失败: npm install 报错 ECONNREFUSED 127.0.0.1:5432",
    matchTokens: {"tokens":["\u90e8\u7f72\u5931\u8d25","npm","install","\u62a5\u9519","econnrefus","127","0","1","5432"],"negated":false},
    textWords: ["\u90e8\u7f72\u5931\u8d25","npm","install","econnrefus","127","5432"],
    index: ["\u90e8","\u7f72","\u5931","\u8d25","\u90e8\u7f72","\u7f72\u5931","\u5931\u8d25","npm","instal","\u62a5","\u9519","\u62a5\u9519","econnrefus","127","0","0","1","5432"],
    query: ["\u90e8\u7f72","\u7f72\u5931","\u5931\u8d25","npm","instal","\u62a5\u9519","econnrefus","127","0","0","1","5432"],
    folded: "\u90e8\u7f72\u5931\u8d25: npm install \u62a5\u9519 ECONNREFUSED 127.0.0.1:5432",
  },
  {
    name: "japanese voiced",
    text: "データベースがダウンしました",
    matchTokens: {"tokens":["\u30c6\u30fc\u30bf\u30d8\u30fc\u30b9\u304b\u30bf\u30a6\u30f3\u3057\u307e\u3057\u305f"],"negated":false},
    textWords: ["\u30c6\u30fc\u30bf\u30d8\u30fc\u30b9\u304b\u30bf\u30a6\u30f3\u3057\u307e\u3057\u305f"],
    index: ["\u30c7","\u30fc","\u30bf","\u30d9","\u30fc","\u30b9","\u304c","\u30c0","\u30a6","\u30f3","\u3057","\u307e","\u3057","\u305f","\u30c7\u30fc","\u30fc\u30bf","\u30bf\u30d9","\u30d9\u30fc","\u30fc\u30b9","\u30b9\u304c","\u304c\u30c0","\u30c0\u30a6","\u30a6\u30f3","\u30f3\u3057","\u3057\u307e","\u307e\u3057","\u3057\u305f"],
    query: ["\u30c7\u30fc","\u30fc\u30bf","\u30bf\u30d9","\u30d9\u30fc","\u30fc\u30b9","\u30b9\u304c","\u304c\u30c0","\u30c0\u30a6","\u30a6\u30f3","\u30f3\u3057","\u3057\u307e","\u307e\u3057","\u3057\u305f"],
    folded: "\u30c7\u30fc\u30bf\u30d9\u30fc\u30b9\u304c\u30c0\u30a6\u30f3\u3057\u307e\u3057\u305f",
  },
  {
    name: "korean",
    text: "데이터베이스 마이그레이션을 먼저 실행하세요",
    matchTokens: {"tokens":["\u1103\u1166\u110b\u1175\u1110\u1165\u1107\u1166\u110b\u1175\u1109\u1173","\u1106\u1161\u110b\u1175\u1100\u1173\u1105\u1166\u110b\u1175\u1109\u1167\u11ab\u110b\u1173\u11af","\u1106\u1165\u11ab\u110c\u1165","\u1109\u1175\u11af\u1112\u1162\u11bc\u1112\u1161\u1109\u1166\u110b\u116d"],"negated":false},
    textWords: ["\u1103\u1166\u110b\u1175\u1110\u1165\u1107\u1166\u110b\u1175\u1109\u1173","\u1106\u1161\u110b\u1175\u1100\u1173\u1105\u1166\u110b\u1175\u1109\u1167\u11ab\u110b\u1173\u11af","\u1106\u1165\u11ab\u110c\u1165","\u1109\u1175\u11af\u1112\u1162\u11bc\u1112\u1161\u1109\u1166\u110b\u116d"],
    index: ["\ub370","\uc774","\ud130","\ubca0","\uc774","\uc2a4","\ub370\uc774","\uc774\ud130","\ud130\ubca0","\ubca0\uc774","\uc774\uc2a4","\ub9c8","\uc774","\uadf8","\ub808","\uc774","\uc158","\uc744","\ub9c8\uc774","\uc774\uadf8","\uadf8\ub808","\ub808\uc774","\uc774\uc158","\uc158\uc744","\uba3c","\uc800","\uba3c\uc800","\uc2e4","\ud589","\ud558","\uc138","\uc694","\uc2e4\ud589","\ud589\ud558","\ud558\uc138","\uc138\uc694"],
    query: ["\ub370\uc774","\uc774\ud130","\ud130\ubca0","\ubca0\uc774","\uc774\uc2a4","\ub9c8\uc774","\uc774\uadf8","\uadf8\ub808","\ub808\uc774","\uc774\uc158","\uc158\uc744","\uba3c\uc800","\uc2e4\ud589","\ud589\ud558","\ud558\uc138","\uc138\uc694"],
    folded: "\ub370\uc774\ud130\ubca0\uc774\uc2a4 \ub9c8\uc774\uadf8\ub808\uc774\uc158\uc744 \uba3c\uc800 \uc2e4\ud589\ud558\uc138\uc694",
  },
  {
    name: "emoji",
    text: "Deploy 🚀 succeeded 🎉 after fixing the 🐛",
    matchTokens: {"tokens":["deploy","succeed","after","fix"],"negated":false},
    textWords: ["deploy","succeed","after","fixing"],
    index: ["deploi","\ud83d\ude80","succeed","\ud83c\udf89","fix","\ud83d\udc1b"],
    query: ["deploi","\ud83d\ude80","succeed","\ud83c\udf89","fix","\ud83d\udc1b"],
    folded: "Deploy \ud83d\ude80 succeeded \ud83c\udf89 after fixing the \ud83d\udc1b",
  },
  {
    name: "punctuation",
    text: "--- fix: (use) `npm ci` [not] {npm install}!!! ... ?? #tag #ops/deploy",
    matchTokens: {"tokens":["use","npm","ci","install"],"negated":true},
    textWords: ["fix","use","npm","npm","install","tag","ops","deploy"],
    index: ["fix","us","npm","ci","npm","instal","tag","op","deploi"],
    query: ["fix","us","npm","ci","npm","instal","tag","op","deploi"],
    folded: "--- fix: (use) `npm ci` [not] {npm install}!!! ... ?? #tag #ops/deploy",
  },
  {
    name: "numbers",
    text: "Port 5432 on staging, version 1.2.3, build #17 at 2026-11-21T09:30:00Z",
    matchTokens: {"tokens":["port","5432","stag","version","1","2","3","build","2026","11","21t09","30","00z"],"negated":false},
    textWords: ["port","5432","stag","version","build","2026","21t09","00z"],
    index: ["port","5432","stage","version","1","2","3","build","17","2026","11","21t09","21","t","09","30","00z","00","z"],
    query: ["port","5432","stage","version","1","2","3","build","17","2026","11","21t09","21","t","09","30","00z","00","z"],
    folded: "Port 5432 on staging, version 1.2.3, build #17 at 2026-11-21T09:30:00Z",
  },
  {
    name: "error path",
    text: "Error: ENOENT: no such file or directory, open '/home/ann/app/config.json' at Object.openSync (node:fs:601:3)",
    matchTokens: {"tokens":["enoent","fil","directory","open","hom","ann","app","config","json","object","opensync","nod","fs","601","3"],"negated":true},
    textWords: ["error","enoent","such","file","directory","open","home","ann","app","config","json","object","opensync","node","601"],
    index: ["error","enoent","file","directori","open","home","ann","app","config","json","object","opensync","open","sync","node","fs","601","3"],
    query: ["error","enoent","file","directori","open","home","ann","app","config","json","object","opensync","open","sync","node","fs","601","3"],
    folded: "Error: ENOENT: no such file or directory, open '/home/ann/app/config.json' at Object.openSync (node:fs:601:3)",
  },
  {
    name: "error url",
    text: "FetchError: request to https://registry.npmjs.org/left-pad failed, reason: connect ETIMEDOUT 104.16.0.35:443",
    matchTokens: {"tokens":["fetcherror","request","http","registry","npmj","org","left","pad","fail","reason","connect","etimedout","104","16","0","35","443"],"negated":false},
    textWords: ["fetcherror","request","http","registry","npmj","org","left","pad","fail","reason","connect","etimedout","104","443"],
    index: ["fetcherror","fetch","error","request","http","registri","npmj","org","left","pad","fail","reason","connect","etimedout","104","16","0","35","443"],
    query: ["fetcherror","fetch","error","request","http","registri","npmj","org","left","pad","fail","reason","connect","etimedout","104","16","0","35","443"],
    folded: "FetchError: request to https://registry.npmjs.org/left-pad failed, reason: connect ETIMEDOUT 104.16.0.35:443",
  },
  {
    name: "error uuid hex",
    text: "container 3f9a2b7c1d4e failed: job 123e4567-e89b-12d3-a456-426614174000 exited with 0x1F after 12.5s",
    matchTokens: {"tokens":["container","3f9a2b7c1d4e","fail","job","123e4567","e89b","12d3","a456","426614174000","exit","0x1f","after","12","5s"],"negated":false},
    textWords: ["container","3f9a2b7c1d4e","fail","job","123e4567","e89b","12d3","a456","426614174000","exit","0x1f","after"],
    index: ["contain","3f9a2b7c1d4e","3","f","9","2","b","7","c","1","d","4","e","fail","job","123e4567","123","e","4567","e89b","e","89","b","12d3","12","d","3","a456","456","426614174000","exit","0x1f","0","x","1","f","12","5s","5","s"],
    query: ["contain","3f9a2b7c1d4e","3","f","9","2","b","7","c","1","d","4","e","fail","job","123e4567","123","e","4567","e89b","e","89","b","12d3","12","d","3","a456","456","426614174000","exit","0x1f","0","x","1","f","12","5s","5","s"],
    folded: "container 3f9a2b7c1d4e failed: job 123e4567-e89b-12d3-a456-426614174000 exited with 0x1F after 12.5s",
  },
  {
    name: "error windows",
    text: "Cannot find module 'C:\\Users\\ann\\proj\\index.js' TS2304 E0432",
    matchTokens: {"tokens":["find","modul","c","user","ann","proj","index","js","ts2304","e0432"],"negated":true},
    textWords: ["cannot","find","module","user","ann","proj","index","ts2304","e0432"],
    index: ["find","modul","c","user","ann","proj","index","js","ts2304","ts","2304","e0432","e","0432"],
    query: ["find","modul","c","user","ann","proj","index","js","ts2304","ts","2304","e0432","e","0432"],
    folded: "Cannot find module 'C:\\Users\\ann\\proj\\index.js' TS2304 E0432",
  },
  {
    name: "error email quoted",
    text: "Permission denied for ann@example.com: \"secret thing\" and `cmd --flag`",
    matchTokens: {"tokens":["permission","deni","ann","exampl","com","secret","th","cmd","flag"],"negated":false},
    textWords: ["permission","deni","ann","example","com","secret","thing","cmd","flag"],
    index: ["permiss","deni","ann","exampl","com","secret","thing","cmd","flag"],
    query: ["permiss","deni","ann","exampl","com","secret","thing","cmd","flag"],
    folded: "Permission denied for ann@example.com: \"secret thing\" and `cmd --flag`",
  },
  {
    name: "multiline",
    text: "Traceback (most recent call last):\n  File \"/usr/lib/python3.11/site.py\", line 12, in <module>\nModuleNotFoundError: No module named 'requests'",
    matchTokens: {"tokens":["traceback","most","recent","call","last","fil","usr","lib","python3","11","sit","py","lin","12","modul","modulenotfounderror","nam","request"],"negated":true},
    textWords: ["traceback","most","recent","call","last","file","usr","lib","python3","site","line","module","modulenotfounderror","module","nam","request"],
    index: ["traceback","recent","call","last","file","usr","lib","python3","python","3","11","site","py","line","12","modul","modulenotfounderror","modul","found","error","modul","name","request"],
    query: ["traceback","recent","call","last","file","usr","lib","python3","python","3","11","site","py","line","12","modul","modulenotfounderror","modul","found","error","modul","name","request"],
    folded: "Traceback (most recent call last):\n  File \"/usr/lib/python3.11/site.py\", line 12, in <module>\nModuleNotFoundError: No module named 'requests'",
  },
  {
    name: "stop words only",
    text: "the and for with from it is a an",
    matchTokens: {"tokens":[],"negated":false},
    textWords: [],
    index: [],
    query: [],
    folded: "the and for with from it is a an",
  },
  {
    name: "empty",
    text: "",
    matchTokens: {"tokens":[],"negated":false},
    textWords: [],
    index: [],
    query: [],
    folded: "",
  },
  {
    name: "whitespace",
    text: "  \t\n  ",
    matchTokens: {"tokens":[],"negated":false},
    textWords: [],
    index: [],
    query: [],
    folded: "  \t\n  ",
  },
];

describe("stored ids and signatures", () => {
  it.each(STORED)("keeps the entry id, rule key, source hash and signature of $name", (row) => {
    expect(makeEntryId(row.text, new Set())).toBe(row.entryId);
    expect(makeEntryId(row.text, new Set([row.entryId]))).toBe(row.entryIdTaken);
    expect(normalizedKey(row.text)).toBe(row.normalizedKey);
    expect(hashSourceText(row.text)).toBe(row.sourceHash);
    // Patterns stored in strategies.json were whole-text signatures; matching still reads a text that way, so they keep matching.
    expect(textSignature(row.text)).toBe(row.signature);
    // A new signature is taken from the lines that name the error: the same for one-line texts.
    if (!row.text.includes("\n")) expect(errorSignature(row.text)).toBe(row.signature);
    if (row.slug === null) expect(() => toSlug(row.text)).toThrow(UsageError);
    else expect(toSlug(row.text)).toBe(row.slug);
  });

  it("writes the same signature to strategies.json and the same id to MEMORY.md through brain error", async () => {
    const dir = tmpWorkspace();
    const now = new Date("2026-11-21T09:30:00");
    await initWorkspace({ cwd: dir, commit: false });
    const row = STORED.find((r) => r.name === "error path")!;
    const out = await recordError({ cwd: dir, error: row.text, fix: "Create the config file first", commit: false, now });
    const strategies = JSON.parse(readFileSync(join(dir, "strategies.json"), "utf8"));
    // The stored pattern is the signature of the error without its `Error:` cue, and a new
    // problem's key is made of the masked signature's first words (keys already stored never change).
    expect(strategies[out.problem].match).toEqual([errorSignature(stripErrorCue(row.text))]);
    expect(errorSignature(stripErrorCue(row.text))).toBe(row.signature.replace(/^error: /, ""));
    expect(out.problem).toBe("enoent-no-such-file-or-directory");
    expect(out.memory.id).toBe(PINNED_ERROR_ENTRY_ID);
    expect(readFileSync(join(dir, "MEMORY.md"), "utf8")).toContain(`id=${PINNED_ERROR_ENTRY_ID} `);
  });
});

describe("the three readings of words", () => {
  it.each(WORDS)("reads $name the same way as before", (row) => {
    // The frozen part: the tokens and the negation (ids and rule keys are made of them).
    const { tokens, negated } = matchTokens(row.text);
    expect({ tokens, negated }).toEqual(row.matchTokens);
    expect(textWords(row.text)).toEqual(row.textWords);
    expect(tokenize(row.text, "index")).toEqual(row.index);
    expect(tokenize(row.text, "query")).toEqual(row.query);
    expect(foldText(row.text)).toBe(row.folded);
  });
});

describe("the words module's variants", () => {
  it("folds every mark for ids and slugs, but keeps the marks of other scripts for search", () => {
    expect(foldMarks("Café ＡＢＣ ガ")).toBe("cafe abc \u30ab");
    expect(foldText("Café ＡＢＣ ガ")).toBe("Cafe ABC \u30ac");
  });

  it("keeps the words an error is made of out of the error stop list only", () => {
    for (const word of ["error", "cannot", "no", "fix"]) {
      expect(ERROR_STOP_WORDS.has(word)).toBe(false);
      expect(MEMORY_STOP_WORDS.has(word) || QUERY_STOP_WORDS.has(word)).toBe(true);
    }
    expect(QUERY_STOP_WORDS.has("don't") && QUERY_STOP_WORDS.has("dont")).toBe(true);
    expect(QUERY_STOP_WORDS.has("may") || QUERY_STOP_WORDS.has("march") || QUERY_STOP_WORDS.has("will")).toBe(false);
  });

  it("stems lightly for memory and errors and hard for queries", () => {
    expect(["migrations", "seeding", "running", "failure"].map(stemMemoryWord)).toEqual(["migration", "seed", "run", "failur"]);
    expect(["failed", "fails", "failing", "failure"].map(stemErrorWord)).toEqual(["fail", "fail", "fail", "failure"]);
    expect(["migrations", "migrate"].map(stemQueryWord)).toEqual(["migrat", "migrat"]);
  });
});
