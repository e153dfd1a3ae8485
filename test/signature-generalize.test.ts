import { describe, expect, it } from "vitest";
import { adaptFix, valuesAgree } from "../src/core/signature/adapt.js";
import { matchProblems } from "../src/core/signature/matcher.js";
import { errorSignature } from "../src/core/signature/signature.js";
import { parseStrategies } from "../src/core/strategies/file.js";

/** A registry with one problem per error, each matched by the signature `brain error` stores for it. */
function registryOf(errors: Record<string, string>) {
  const body = Object.entries(errors).map(([key, text]) => `${JSON.stringify(key)}: {"match": [${JSON.stringify(errorSignature(text))}], "solutions": []}`);
  return parseStrategies(`{${body.join(",")}}`);
}

describe("key lines of real pastes", () => {
  it("reads a list of the same error as its first item", () => {
    const text = "E: Unable to locate package curl\nE: Unable to locate package git-lfs\nE: Unable to locate package jq";
    expect(errorSignature(text)).toBe("e: unable to locate package curl");
  });

  it("skips docker's trailer under a failed RUN step and Cloud Build's step column", () => {
    const docker = "Step 4/9 : RUN apt-get install -y curl\n ---> Running in 1a2b3c4d5e6f\nReading package lists...\nE: Unable to locate package curl\nThe command '/bin/sh -c apt-get install -y curl' returned a non-zero code: 100";
    const cloudBuild = 'Step #1 - "build-image": E: Unable to locate package curl\nStep #1 - "build-image": E: Unable to locate package zip';
    expect(errorSignature(docker)).toBe("e: unable to locate package curl");
    expect(errorSignature(cloudBuild)).toBe("e: unable to locate package curl");
  });

  it("reads libpq's FATAL line whatever tool or wrapper printed it", () => {
    const texts = [
      'psql: FATAL:  role "deploy" does not exist',
      'createuser: could not connect to database postgres: FATAL:  role "ci" does not exist',
      '$ ./bootstrap.sh\npsql: FATAL:  role "app" does not exist\npsql: FATAL:  role "app" does not exist',
      'dev@box:~$ psql\npsql: FATAL:  role "dev" does not exist\nlogout',
    ];
    for (const t of texts) expect(errorSignature(t)).toMatch(/(?:^|: )fatal: role <str> does not exist$/);
  });
});

describe("matching that generalizes", () => {
  it("tells two errors of one tool apart by their reason word, and finds each again with other values", () => {
    const registry = registryOf({
      "pg-role": 'psql: FATAL:  role "deploy" does not exist',
      "pg-database": 'psql: FATAL:  database "deploy" does not exist',
    });
    expect(matchProblems(registry, 'createuser: could not connect to database postgres: FATAL:  role "ci" does not exist')[0]?.problem).toBe("pg-role");
    expect(matchProblems(registry, 'psql: error: connection to server on socket "/tmp/.s.PGSQL.5432" failed: FATAL:  database "shop" does not exist')[0]?.problem).toBe(
      "pg-database",
    );
  });

  it("reads a clause of one token as a name, not as a reason the error gives", () => {
    const registry = registryOf({ "django-migrate": "django.db.utils.OperationalError: no such table: shop_order" });
    expect(matchProblems(registry, "django.db.utils.OperationalError: no such table: auth_group")[0]?.problem).toBe("django-migrate");
    // Another reason after the same opening is still another error.
    expect(matchProblems(registry, "django.db.utils.OperationalError: database is locked")).toEqual([]);
  });

  it("finds a name-ended error again where the page prints its message without the exception class", () => {
    // justdjango/teach-me-django#19 recorded; Django's debug page (rubenespadas/DionaeaFR#33) and a pasted table of it (sibtc/simple-file-upload#2) seen.
    const registry = registryOf({ "django-migrate": "django.db.utils.OperationalError: no such table: users_user" });
    const debugPage = "OperationalError at /\nno such table: downloads\nRequest Method:\tGET\nRequest URL:\thttp://120.0.0.1:8000/\nDjango Version:\t1.8\nException Type:\tOperationalError\nException Value:\t\nno such table: downloads";
    const pastedTable = "Request Method: | GET\n-- | --\nhttp://127.0.0.1:8000/\n1.11.3\nOperationalError\nno such table: core_document";
    expect(matchProblems(registry, debugPage)[0]?.problem).toBe("django-migrate");
    expect(matchProblems(registry, pastedTable)[0]?.problem).toBe("django-migrate");
    // The same page for another reason (NSPManager/NSPanelManager#52) is another error.
    const locked = "OperationalError at /\ndatabase is locked\nRequest Method:\tGET\nRequest URL:\thttp://homeassistant.local:8000/\nDjango Version:\t4.1.7\nException Type:\tOperationalError";
    expect(matchProblems(registry, locked)).toEqual([]);
  });

  it("finds an error's reason again under another wrapper and for another bare name", () => {
    // kubelet wraps docker's refusal (kubernetes/website#14257); docker itself says it for another image (Praqma/ask#4, confluentinc/demo-siem-optimization#30).
    const registry = registryOf({
      "pull-denied": `Failed to pull image "rmeuser-auth:latest": rpc error: code = Unknown desc = Error response from daemon: pull access denied for rmeuser-auth, repository does not exist or may require 'docker login'`,
    });
    const pull = "$ docker pull praqma/jira\nUsing default tag: latest\nError response from daemon: pull access denied for praqma/jira, repository does not exist or may require 'docker login': denied: requested access to the resource is denied";
    const compose = " ! Image localbuild/zeek-tcpreplay-kafka                      pull access denied for localbuild/zeek-tcpreplay-kafka, repository does not exist or may require 'docker login'                                                                                     2.1s ";
    expect(matchProblems(registry, pull)[0]?.problem).toBe("pull-denied");
    expect(matchProblems(registry, compose)[0]?.problem).toBe("pull-denied");
    // The same wrapper for another reason (kubevela/kubevela#981) is another error.
    const manifest = `  Warning  Failed     27s (x3 over 75s)  kubelet            Failed to pull image "oamdev/vela-core:0.3.1": rpc error: code = Unknown desc = Error response from daemon: manifest for oamdev/vela-core:0.3.1 not found: manifest unknown: manifest unknown`;
    expect(matchProblems(registry, manifest)).toEqual([]);
  });

  it("finds an apt error again for another package, after docker's build noise", () => {
    const registry = registryOf({ "apt-update": "E: Unable to locate package curl\nE: Unable to locate package jq" });
    const seen = "Step 3/7 : RUN apt-get install -y unzip\n ---> Running in 0f1e2d3c4b5a\nE: Unable to locate package unzip\nThe command '/bin/sh -c apt-get install -y unzip' returned a non-zero code: 100";
    expect(matchProblems(registry, seen)[0]?.problem).toBe("apt-update");
  });
});

describe("names of many parts", () => {
  it("count once, so an apt error is found again for a package with a long hyphenated name", () => {
    const registry = registryOf({ "apt-update": "E: Unable to locate package curl" });
    expect(matchProblems(registry, "E: Unable to locate package software-properties-common")[0]?.problem).toBe("apt-update");
  });
});

describe("names that share a part", () => {
  it("are one value each, so another package with the same suffix is no word swapped for another", () => {
    // One paste of two missing packages (a public setup script's comment), and two build logs that miss one -dev package each.
    const devel = registryOf({ "apt-update": "E: Unable to locate package libopenssl-devel" });
    expect(matchProblems(devel, "E: Unable to locate package libreadline-devel")[0]?.problem).toBe("apt-update");
    const dev = registryOf({ "apt-update": "E: Unable to locate package libmysqlclient-dev" });
    expect(matchProblems(dev, "E: Unable to locate package libacpica-dev\nE: Unable to locate package mig\n##[error]Process completed with exit code 100.")[0]?.problem).toBe("apt-update");
  });
});

describe("adapted fixes for a bare name", () => {
  // apt prints the package it cannot find unquoted (GoogleCloudPlatform/anthos-service-mesh-packages#1997, a Cloud Build log).
  const recorded = 'Step #0 - "build-tester-image": E: Unable to locate package google-cloud-cli-kpt';
  const fix = "apt-get update -y && apt-get install -y google-cloud-cli-kpt";
  const cases: Array<[string, string, string | null]> = [
    ["a name of many parts", 'Step #0 - "build-tester-image": E: Unable to locate package google-cloud-cli-gke-gcloud-auth-plugin', "apt-get update -y && apt-get install -y google-cloud-cli-gke-gcloud-auth-plugin"],
    ["a name of letters and digits", "E: Unable to locate package libsodium13", "apt-get update -y && apt-get install -y libsodium13"],
    // A plain word is not told from the words of a message: it is left as recorded.
    ["a plain word", "E: Unable to locate package mig", null],
  ];
  it.each(cases)("%s", (_, seen, adapted) => {
    expect(adaptFix(fix, recorded, seen)?.action ?? null).toBe(adapted);
  });

  it("a name of parts joined by `/`, as docker prints an image", () => {
    // Praqma/ask#4 recorded; docker compose's line for another image (confluentinc/demo-siem-optimization#30) seen.
    const pull = "Error response from daemon: pull access denied for praqma/jira, repository does not exist or may require 'docker login': denied: requested access to the resource is denied";
    const compose = " ! Image localbuild/zeek-tcpreplay-kafka  pull access denied for localbuild/zeek-tcpreplay-kafka, repository does not exist or may require 'docker login'";
    expect(adaptFix("docker login, then docker pull praqma/jira", pull, compose)?.action).toBe("docker login, then docker pull localbuild/zeek-tcpreplay-kafka");
  });

  it("a word that is its line's last clause alone, as a shell prints the command it did not find", () => {
    // A public README's table of common errors: `zsh: command not found: pnpm` | Run `npm install -g pnpm`.
    expect(adaptFix("npm install -g pnpm", "zsh: command not found: pnpm", "zsh: command not found: yarn")?.action).toBe("npm install -g yarn");
    // Not a word with more words after it, nor a clause of several words.
    expect(adaptFix("npm install -g pnpm", "zsh: command not found: pnpm", "zsh: command not found: yarn run build")).toBeNull();
    expect(adaptFix("restart pnpm", "pnpm: fatal: pnpm crashed", "pnpm: fatal: yarn crashed")).toBeNull();
  });
});

describe("adapted fixes for package specs", () => {
  const cases: Array<[string, string, string, string, string | null]> = [
    ["a plain name", "npm view left-pad versions", "npm ERR! notarget No matching version found for left-pad@^1.4.0.", "npm ERR! notarget No matching version found for chalk@6.0.1.", "npm view chalk versions"],
    ["a scoped name", "npm view left-pad versions", "npm ERR! notarget No matching version found for left-pad@^1.4.0.", "npm error notarget No matching version found for @acme/ui-kit@2.3.0.", "npm view @acme/ui-kit versions"],
    ["no spec in the new error", "npm view left-pad versions", "npm ERR! notarget No matching version found for left-pad@^1.4.0.", "npm ERR! notarget No matching version found.", null],
  ];
  it.each(cases)("%s", (_, fix, recorded, seen, adapted) => {
    expect(adaptFix(fix, recorded, seen)?.action ?? null).toBe(adapted);
  });
});

describe("adapted fixes for a port, whatever address Node prints before it", () => {
  // Node names the address it could not bind as `:::3000` (every IPv6 address), `127.0.0.1:3000` or `0.0.0.0:3000`.
  const fix = "lsof -ti :3000 | xargs kill";
  const recorded = "Error: listen EADDRINUSE: address already in use :::3000";
  const cases: Array<[string, string, string | null]> = [
    ["the same form", "Error: listen EADDRINUSE: address already in use :::8080", "lsof -ti :8080 | xargs kill"],
    ["an IPv4 loopback address", "Error: listen EADDRINUSE: address already in use 127.0.0.1:8080", "lsof -ti :8080 | xargs kill"],
    ["every IPv4 address, with its stack", "Error: listen EADDRINUSE: address already in use 0.0.0.0:5173\n    at Server.setupListenHandle [as _listen2] (node:net:1872:16)", "lsof -ti :5173 | xargs kill"],
    ["the same port", "Error: listen EADDRINUSE: address already in use 127.0.0.1:3000", null],
  ];
  it.each(cases)("%s", (_, seen, adapted) => {
    expect(adaptFix(fix, recorded, seen)?.action ?? null).toBe(adapted);
  });

  it("not from a number that follows other words", () => {
    expect(adaptFix("kill the process on 3000", "address already in use :::3000", "bind failed after 12 tries: address 127.0.0.1 in use")).toBeNull();
  });
});

describe("a recorded error's values against a new error's", () => {
  it("agree when each value standing where the new error has one is the same", () => {
    expect(valuesAgree("connect ECONNREFUSED 127.0.0.1:6379", "Error: connect ECONNREFUSED 127.0.0.1:6379")).toBe(true);
    expect(valuesAgree("Error: listen EADDRINUSE: address already in use :::3000", "Error: listen EADDRINUSE: address already in use 127.0.0.1:3000")).toBe(true);
  });

  it("disagree when one stands there with another value, and say nothing when none stands where the other has one", () => {
    expect(valuesAgree("connect ECONNREFUSED 127.0.0.1:5432", "connect ECONNREFUSED 127.0.0.1:6379")).toBe(false);
    expect(valuesAgree("ModuleNotFoundError: No module named 'numpy'", "ModuleNotFoundError: No module named 'pandas'")).toBe(false);
    expect(valuesAgree("Permission denied (publickey).", "Permission denied (publickey).")).toBeNull();
  });
});

describe("adapted fixes that hold a part of a value", () => {
  // Docker prints a container's name with a leading slash; the fix names the container without it (moby/moby#23371, Forstman1/inception-42#1).
  const recorded =
    'docker: Error response from daemon: Conflict. The container name "/caochong-ambari-0" is already in use by container "92b3b26333cc105bfee4d6f6b4eddc0a433e774360c1bcbfe797093c6fa531e9". You have to remove (or rename) that container to be able to reuse that name.\nSee \'docker run --help\'.';
  const fix = "remove it with docker rm -f caochong-ambari-0, or run the new one under another --name";
  const cases: Array<[string, string, string | null]> = [
    [
      "the part between the same surroundings",
      'Error response from daemon: Conflict. The container name "/mariadb" is already in use by container "129a9ee2de2091500172c12fe10f9a755d456fedbb4326b66560ba1d00085a71". You have to remove (or rename) that container to be able to reuse that name.',
      "remove it with docker rm -f mariadb, or run the new one under another --name",
    ],
    [
      "a name with an underscore, in another client's wording",
      '(HTTP code 409) unexpected - Conflict. The container name "/agitated_wilson" is already in use by container f6a6fb81d890d8403c07c5034fb63c680e4ba6002f83b22a282b2ecb829fed54. You have to remove (or rename) that container to be able to reuse that name.',
      "remove it with docker rm -f agitated_wilson, or run the new one under another --name",
    ],
    [
      "not when the new value lacks the surroundings",
      'Error response from daemon: Conflict. The container name "mariadb" is already in use by container "129a". You have to remove (or rename) that container to be able to reuse that name.',
      null,
    ],
  ];
  it.each(cases)("%s", (_, seen, adapted) => {
    expect(adaptFix(fix, recorded, seen)?.action ?? null).toBe(adapted);
  });

  it("does not take a word of a path for a name the fix holds when the path moved", () => {
    expect(adaptFix("restart the docker daemon", "Cannot connect to the Docker daemon at unix:///var/run/docker.sock", "Cannot connect to the Docker daemon at unix:///run/user/1000/docker.sock")).toBeNull();
  });
});

describe("a system error code is the slot that says why a call failed", () => {
  // node-redis refusing (vpdb/server#176) and timing out (dvandal/cryptonote-nodejs-pool#601, socketio/socket.io-redis-adapter#328).
  const registry = registryOf({ "redis-refused": "Error: Redis connection to 127.0.0.1:6379 failed - connect ECONNREFUSED 127.0.0.1:6379" });

  it("finds the recorded error again with another host and port", () => {
    expect(matchProblems(registry, "Redis error Error: Redis connection to localhost:6379 failed - connect ECONNREFUSED")[0]?.problem).toBe("redis-refused");
    expect(matchProblems(registry, "Error: Redis connection to 127.0.0.1:6420 failed - connect ECONNREFUSED")[0]?.problem).toBe("redis-refused");
  });

  it("is another failure when the text gives another code in its place", () => {
    expect(matchProblems(registry, "Error: Redis connection to 175.41.184.128:6379 failed - connect ETIMEDOUT 175.41.184.128:6379\n    at TCPConnectWrap.afterConnect [as oncomplete] (net.js:1107:14)")).toEqual([]);
    expect(matchProblems(registry, "Redis connection to redis-306657c7-withfbtesting-69cb.aivencloud.com:10104 failed - connect ETIMEDOUT 35.221.224.142:10104")).toEqual([]);
  });
});

describe("a reason of its own after the recorded error", () => {
  // Rikka-Sei/GithubSpeedUp#4 recorded: the package is not installed.
  const registry = registryOf({
    "py-missing": "Traceback (most recent call last):\n  File \"GSU.py\", line 3, in <module>\n    import requests\nModuleNotFoundError: No module named 'requests'",
  });

  it("finds the recorded error again for another module", () => {
    // MaxHalford/xam#9 and hsand/pia-wg#19 (a traceback ending in it).
    expect(matchProblems(registry, "ModuleNotFoundError: No module named 'repos'")[0]?.problem).toBe("py-missing");
    expect(matchProblems(registry, "  File \"piawg.py\", line 1, in <module>\n    import requests\nModuleNotFoundError: No module named 'requests'")[0]?.problem).toBe("py-missing");
  });

  it("is another failure when a clause after `;` says why, in words the recorded error lacks", () => {
    // A package shadowed by a project's own file or folder: ltttpku/ADA-CM#16, selik/xport#42, One-2-3-45/One-2-3-45#44.
    expect(matchProblems(registry, "ModuleNotFoundError: No module named 'pocket.data'; 'pocket' is not a package")).toEqual([]);
    expect(matchProblems(registry, "No module named 'xport.v56'; 'xport' is not a package")).toEqual([]);
    expect(matchProblems(registry, "ModuleNotFoundError: No module named 'utils.zero123_utils'; 'utils' is not a package")).toEqual([]);
  });

  it("still matches when the clause after `;` is advice, or was recorded too", () => {
    // Recorded without the tool's advice (Bajdzis/vscode-database#240's message, cut), seen with it (hanrenguang/notes#13).
    const mysql = registryOf({ "mysql8-auth": "ER_NOT_SUPPORTED_AUTH_MODE: Client does not support authentication protocol requested by server" });
    expect(matchProblems(mysql, "Error: ER_NOT_SUPPORTED_AUTH_MODE: Client does not support authentication protocol requested by server; consider upgrading MySQL client")[0]?.problem).toBe("mysql8-auth");
    // Recorded with it (hanrenguang/notes#13), seen in another wrapper (Bajdzis/vscode-database#219).
    const full = registryOf({ "mysql8-auth": "Error: ER_NOT_SUPPORTED_AUTH_MODE: Client does not support authentication protocol requested by server; consider upgrading MySQL client" });
    expect(matchProblems(full, "Connection error! ER_NOT_SUPPORTED_AUTH_MODE: Client does not support authentication protocol requested by server; consider upgrading MySQL client")[0]?.problem).toBe("mysql8-auth");
  });
});
