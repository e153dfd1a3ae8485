import { describe, expect, it } from "vitest";
import { checkError, initWorkspace, recordError } from "../src/index.js";
import { errorKeyText } from "../src/core/signature/key-lines.js";
import { errorPatterns } from "../src/core/signature/signature.js";
import { tmpWorkspace } from "./helpers.js";

// Error messages as people pasted them into public issue threads (each cites its thread):
// `brain error` records one sighting with its fix, `brain check` looks up another.

const NOW = new Date("2026-11-21T09:30:00");

/** A fresh workspace with `recorded` stored by `brain error` (error → fix). */
async function workspaceWith(recorded: Array<[string, string]>): Promise<string> {
  const cwd = tmpWorkspace();
  await initWorkspace({ cwd });
  for (const [error, fix] of recorded) await recordError({ cwd, error, fix, commit: false, now: NOW });
  return cwd;
}

/** The fixes `check` shows for its first result (adapted where it adapts one), or [] when nothing matched. */
function topFixes(cwd: string, text: string): string[] {
  const r = checkError({ cwd, text });
  return r.matches[0]?.solutions.map((s) => s.adapted?.action ?? s.action) ?? [];
}

// OpenSSH's banner when a host key changed (RTXteam/RTX#455).
const SSH_CHANGED_ECDSA = `@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @
@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!
Someone could be eavesdropping on you right now (man-in-the-middle attack)!
It is also possible that a host key has just been changed.
The fingerprint for the ECDSA key sent by the remote host is
SHA256:+1tMZ/lCYVpxs2KoR1MykTz1jYhGTa6bTe+QDN9Owbk.
Please contact your system administrator.
Add correct host key in /Users/sramsey/.ssh/known_hosts to get rid of this message.
Offending ECDSA key in /Users/sramsey/.ssh/known_hosts:322
ECDSA host key for kg2dev.rtx.ai has changed and you have requested strict checking.
Host key verification failed.`;
// The same banner for an ED25519 key (5calV/BytesOfProgress#24).
const SSH_CHANGED_ED25519 = `@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @
@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!
Someone could be eavesdropping on you right now (man-in-the-middle attack)!
It is also possible that a host key has just been changed.
The fingerprint for the ED25519 key sent by the remote host is
SHA256:
Please contact your system administrator.
Add correct host key in /home/user/.ssh/known_hosts to get rid of this message.
Offending ED25519 key in /home/user/.ssh/known_hosts:67
Host key for 10.0.0.2 has changed and you have requested strict checking.
Host key verification failed.`;

describe("an error code is a known code, not any capitalised word starting with E", () => {
  it("reads `ECDSA` as a key type: the key line of the ssh banner is its failure line", () => {
    expect(errorKeyText(SSH_CHANGED_ECDSA)).toBe("Host key verification failed.");
    expect(errorKeyText(SSH_CHANGED_ED25519)).toBe("Host key verification failed.");
  });

  it("still reads POSIX and npm codes as errors", () => {
    // Written in the shape Node prints: a stack head whose message line names only the code.
    expect(errorKeyText("node:events:491\n      throw er; // Unhandled 'error' event\n      ^\n\nlisten EADDRINUSE 0.0.0.0:3000")).toBe("listen EADDRINUSE 0.0.0.0:3000");
  });

  it("finds the fix for another key type and adapts the host", async () => {
    const cwd = await workspaceWith([[SSH_CHANGED_ECDSA, "ssh-keygen -R kg2dev.rtx.ai"]]);
    expect(topFixes(cwd, SSH_CHANGED_ED25519)).toEqual(["ssh-keygen -R 10.0.0.2"]);
  });
});

// Python's SSL failure as the exception (ageitgey/medium_to_ghost#9) and as urllib reports it (jarun/ddgr#66, linode/linode-cli#193).
const SSL_EXCEPTION = `self._sslobj.do_handshake()
ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:1056)`;
const SSL_URLOPEN = "[ERROR] <urlopen error [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:1045)>";
const SSL_BARE = "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:1108)";
const SSL_FIX = "run '/Applications/Python 3.x/Install Certificates.command'";
// A UnicodeDecodeError on Windows (Ge0rg3/sans-index-creator#3) and a UnicodeEncodeError worded alike (collective/mr.bob#86).
const CHARMAP_DECODE = `Traceback (most recent call last):
  File "C:\\Users\\Blah\\Downloads\\sans-index-creator-master\\sans_indexer.py", line 69, in <module>
    data = f.read()
  File "C:\\Python\\Python3\\lib\\encodings\\cp1252.py", line 23, in decode
    return codecs.charmap_decode(input,self.errors,decoding_table)[0]
UnicodeDecodeError: 'charmap' codec can't decode byte 0x9d in position 1015: character maps to <undefined>`;
const CHARMAP_ENCODE = "UnicodeEncodeError: 'charmap' codec can't encode character '\\u030c' in position 50: character maps to <undefined>";
const CHARMAP_FIX = "pass encoding='utf-8' to open()";

describe("an exception class the text does not name", () => {
  it("does not keep the same message apart when the text names no class of its own", async () => {
    const cwd = await workspaceWith([[SSL_EXCEPTION, SSL_FIX]]);
    expect(topFixes(cwd, SSL_URLOPEN)).toEqual([SSL_FIX]);
    expect(topFixes(cwd, SSL_BARE)).toEqual([SSL_FIX]);
  });

  it("keeps it apart when the text names another class", async () => {
    const cwd = await workspaceWith([[CHARMAP_DECODE, CHARMAP_FIX]]);
    expect(topFixes(cwd, "UnicodeDecodeError: 'charmap' codec can't decode byte 0x8f in position 1021: character maps to <undefined>")).toEqual([CHARMAP_FIX]);
    expect(topFixes(cwd, CHARMAP_ENCODE)).toEqual([]);
  });
});

// The same exception for another reason: a UTF-8 file that is not UTF-8 (skavngr/rapidscan#54).
const UTF8_INVALID_START = `Traceback (most recent call last):
  File "/home/akihiko/rapidscan/rapidscan.py", line 1514, in <module>
    rs_tool_output_file = open(temp_file).read()
                          ^^^^^^^^^^^^^^^^^^^^^^
  File "<frozen codecs>", line 322, in decode
UnicodeDecodeError: 'utf-8' codec can't decode byte 0x99 in position 404: invalid start byte`;

describe("the same error for another reason", () => {
  it("is another error: the clause after the shared one differs in every word", async () => {
    const cwd = await workspaceWith([[CHARMAP_DECODE, CHARMAP_FIX]]);
    expect(checkError({ cwd, text: UTF8_INVALID_START }).matches).toEqual([]);
    // What changes between sightings is masked, and still matches.
    expect(topFixes(cwd, "UnicodeDecodeError: 'charmap' codec can't decode byte 0x81 in position 41: character maps to <undefined>")).toEqual([CHARMAP_FIX]);
  });
});

// Maven's compiler failure, and the same with javac's `error:` put in between (jitpack/jitpack.io#5440, GoogleCloudPlatform/bank-of-anthos#874).
const MAVEN_TARGET =
  "[ERROR] Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.8.1:compile (default-compile) on project common-utils: Fatal error compiling: invalid target release: 17 -> [Help 1]";
const MAVEN_TARGET_JAVAC =
  "[ERROR] Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.8.1:compile (default-compile) on project ledgermonolith: Fatal error compiling: error: invalid target release: 17 -> [Help 1]";

// Maven's compiler failure for a compile error in the sources: most words alike, another reason (CoffeeLatte007/slothlog#1).
const MAVEN_COMPILATION_FAILURE = `[INFO] BUILD FAILURE
[INFO] ------------------------------------------------------------------------
[INFO] Total time: 1.125 s
[ERROR] Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.3:compile (default-compile) on project slothlog: Compilation failure -> [Help 1]
[ERROR]
[ERROR] To see the full stack trace of the errors, re-run Maven with the -e switch.`;

describe("a clause put in between", () => {
  it("is no other reason", async () => {
    const cwd = await workspaceWith([[MAVEN_TARGET, "run Maven on a JDK at least as new as the release"]]);
    expect(topFixes(cwd, MAVEN_TARGET_JAVAC)).toEqual(["run Maven on a JDK at least as new as the release"]);
  });

  it("is told from a text alike in most words that gives none of the reason's words, whatever trailer follows", async () => {
    const cwd = await workspaceWith([[MAVEN_TARGET, "run Maven on a JDK at least as new as the release"]]);
    // Before, a signature 63% alike offered the JDK fix; the reason is `invalid target release`, not `-> [Help 1]`.
    expect(checkError({ cwd, text: MAVEN_COMPILATION_FAILURE }).matches).toEqual([]);
  });
});

// libpq's refusal with its indented hint, as psql (EnterpriseDB/edb-installers#563), as psycopg2
// (Django-CRM/Django-CRM#447) and as a Rails adapter (tines/rails-pg-adapter#15) print it, and pasted
// inside quotes (PostgresApp/PostgresApp#546).
const PSQL_REFUSED = `PS C:\\Users\\Manish Mahato\\OneDrive\\Desktop> psql -U postgres
psql: error: connection to server at "localhost" (::1), port 5432 failed: Connection refused (0x0000274D/10061)
        Is the server running on that host and accepting TCP/IP connections?
connection to server at "localhost" (127.0.0.1), port 5432 failed: Connection refused (0x0000274D/10061)
        Is the server running on that host and accepting TCP/IP connections?`;
const PSYCOPG_REFUSED = `  conn = _connect(dsn, connection_factory=connection_factory, **kwasync)
psycopg2.OperationalError: could not connect to server: Connection refused (0x0000274D/10061)
        Is the server running on host "localhost" (::1) and accepting
        TCP/IP connections on port 5432?`;
const RAILS_REFUSED = `connection to server at "10.1.209.231", port 5432 failed: Connection refused
\tIs the server running on that host and accepting TCP/IP connections?`;
const QUOTED_REFUSED = '"Connection refused Is the server running on host "localhost" (127.0.0.1) and accepting TCP/IP connections on port 5432"';
const PG_FIX = "start the PostgreSQL server";

describe("the lines of an error message", () => {
  it("take the indented hint under the error line, even after a full stop or a parenthesis", () => {
    expect(errorKeyText(PSQL_REFUSED)).toBe(
      'error: connection to server at "localhost" (::1), port 5432 failed: Connection refused (0x0000274D/10061)\nIs the server running on that host and accepting TCP/IP connections?',
    );
    // An indented dump of the error object is not a hint (shape of akkii922/google-meet-clone#1).
    expect(errorKeyText("Error: connect ECONNREFUSED 127.0.0.1:6379\n    at TCPConnectWrap.afterConnect [as oncomplete] (net.js:1146:16) {\n  errno: -4078,\n  code: 'ECONNREFUSED',")).toBe(
      "Error: connect ECONNREFUSED 127.0.0.1:6379",
    );
  });

  it("read a one-line error pasted inside quotes without them, and keep a text's own quoted values", () => {
    expect(errorKeyText(QUOTED_REFUSED)).toBe('Connection refused Is the server running on host "localhost" (127.0.0.1) and accepting TCP/IP connections on port 5432');
    expect(errorKeyText('"left-pad" conflicts with "right-pad"')).toBe('"left-pad" conflicts with "right-pad"');
  });

  it("find the fix across the clients that print the same refusal", async () => {
    const cwd = await workspaceWith([[PSQL_REFUSED, PG_FIX]]);
    for (const text of [PSYCOPG_REFUSED, RAILS_REFUSED, QUOTED_REFUSED]) expect(topFixes(cwd, text)).toEqual([PG_FIX]);
  });
});

// pip behind a proxy that re-signs TLS: the opening of SSL_EXCEPTION, another reason (meteofrance/mfai#160).
const SSL_SELF_SIGNED_CHAIN =
  "Could not fetch URL https://pypi.org/simple/pip/: There was a problem confirming the ssl certificate: HTTPSConnectionPool(host='pypi.org', port=443): Max retries exceeded with url: /simple/pip/ (Caused by SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate in certificate chain (_ssl.c:1017)'))) - skipping";
// Docker's port conflict as the engine reports it (vutrinh274/local_lakehouse#1), and as the userland
// proxy reports it (woodjme/unifi-hotspot#11): the same opening, and the reason shares a word.
const DOCKER_PORT_ALLOCATED = `./manage-lakehouse.sh start
Error response from daemon: driver failed programming external connectivity on endpoint local_lakehouse-main-airflow-apiserver-1 (42ca468f1e0fe73e7f45a4429502a1a72c59cd7ae8b7077dff99dacc6e5d3650): Bind for 0.0.0.0:8081 failed: port is already allocated`;
const DOCKER_ADDRESS_IN_USE =
  "docker: Error response from daemon: driver failed programming external connectivity on endpoint elastic_burnell (bbb96e9369be6119024bb5ccfc223fdf92b2a06ecc70c88e1f0397e389a608f5): Error starting userland proxy: listen tcp 0.0.0.0:80: bind: address already in use.";

describe("a text that shares only the opening of a recorded error", () => {
  it("is another failure when it says none of the words of the error's reason", async () => {
    const cwd = await workspaceWith([[SSL_EXCEPTION, SSL_FIX]]);
    // Before, the key's words alone (ssl, sslcertverificationerror, certificate) offered the fix at 60%.
    expect(checkError({ cwd, text: SSL_SELF_SIGNED_CHAIN }).matches).toEqual([]);
    expect(topFixes(cwd, "ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:1129)")).toEqual([
      SSL_FIX,
    ]);
  });

  it("is still the same failure when its reason shares a word of the recorded one", async () => {
    const cwd = await workspaceWith([[DOCKER_PORT_ALLOCATED, "stop what holds the host port, or publish on another"]]);
    const r = checkError({ cwd, text: DOCKER_ADDRESS_IN_USE });
    expect(r.matches.map((m) => m.reasons.map((x) => x.kind))).toEqual([["key"]]);
    expect(topFixes(cwd, DOCKER_ADDRESS_IN_USE)).toEqual(["stop what holds the host port, or publish on another"]);
  });
});

describe("a fix is not offered for a value of another kind than it was recorded for", () => {
  it("leaves out a file where a branch was recorded, and still adapts the fix to another branch", async () => {
    // actions/checkout#55 recorded (a branch not fetched); EleutherAI/gpt-neox#575 another branch.
    const cwd = await workspaceWith([["error: pathspec 'feature/github-actions' did not match any file(s) known to git", "git fetch --all --tags && git checkout feature/github-actions"]]);
    expect(topFixes(cwd, "error: pathspec 'make_fused_kernels_optional' did not match any file(s) known to git.")).toEqual(["git fetch --all --tags && git checkout make_fused_kernels_optional"]);
    // Files git does not track (brackets-userland/brackets-git#865, #834): no branch to fetch.
    expect(checkError({ cwd, text: "Error: error: pathspec '.gitignore' did not match any file(s) known to git." }).matches).toEqual([]);
    expect(checkError({ cwd, text: "call: git checkout scss-lint.log\nError: error: pathspec 'scss-lint.log' did not match any file(s) known to git." }).matches).toEqual([]);
  });

  it("leaves out a sub-module where a missing package was recorded", async () => {
    // Rikka-Sei/GithubSpeedUp#4 recorded; MaxHalford/xam#9 another package.
    const cwd = await workspaceWith([["Traceback (most recent call last):\n  File \"GSU.py\", line 3, in <module>\n    import requests\nModuleNotFoundError: No module named 'requests'", "pip install requests"]]);
    expect(topFixes(cwd, "ModuleNotFoundError: No module named 'repos'")).toEqual(["pip install repos"]);
    // A sub-module an installed package lacks (facebookresearch/XLM#331, MaxHalford/xam#9's Fabric 2): installing changes nothing.
    expect(checkError({ cwd, text: "ModuleNotFoundError: No module named 'xlm.data'" }).matches).toEqual([]);
    expect(checkError({ cwd, text: "ModuleNotFoundError: No module named 'fabric.api'" }).matches).toEqual([]);
  });

  it("reads an absolute path as where the name was looked up, not as another kind of value", async () => {
    // discord/erlpack#18 recorded; ZenUml/zenuml.github.io#8 names the executable by its full path.
    const cwd = await workspaceWith([['gyp ERR! stack Error: Can\'t find Python executable "python", you can set the PYTHON env variable.', "npm config set python python3"]]);
    const seen = 'gyp ERR! stack Error: Can\'t find Python executable "C:\\Users\\dev\\AppData\\Local\\Programs\\Python\\Python312\\python.exe", you can set the PYTHON env variable.';
    expect(checkError({ cwd, text: seen }).matches[0]?.solutions.map((s) => s.action)).toEqual(["npm config set python python3"]);
  });
});

describe("a word of the message swapped for another is another error", () => {
  it("tells peer from password authentication, and kubectl's fallback from a server that is down", async () => {
    const cwd = await workspaceWith([
      // oliverw/miningcore#403
      ['psql: FATAL:  Peer authentication failed for user "miningcore"', "connect over TCP: psql -h 127.0.0.1"],
      // opsnull/follow-me-install-kubernetes-cluster#510
      ["The connection to the server localhost:8080 was refused - did you specify the right host or port?", "cp /etc/kubernetes/admin.conf ~/.kube/config"],
    ]);
    // Another user, another wrapper: the same two errors.
    expect(topFixes(cwd, 'psql: FATAL:  Peer authentication failed for user "postgres"')).toEqual(["connect over TCP: psql -h 127.0.0.1"]);
    expect(topFixes(cwd, "[root@k8s ~]# kubectl get pods\nThe connection to the server localhost:8080 was refused - did you specify the right host or port?")).toEqual([
      "cp /etc/kubernetes/admin.conf ~/.kube/config",
    ]);
    // MIT-LCP/mimic-code#1060: the password is wrong, which no pg_hba.conf change mends.
    expect(checkError({ cwd, text: 'psql: error: FATAL:  password authentication failed for user "postgres"' }).matches).toEqual([]);
    // kubernetes/website#23389: kubectl has its config; the API server at that address is down.
    expect(checkError({ cwd, text: "The connection to the server 172.16.128.128:6443 was refused - did you specify the right host or port?" }).matches).toEqual([]);
  });

  it("tells one missing library and one TypeScript error code from another", async () => {
    const cwd = await workspaceWith([
      // chenfei-wu/TaskMatrix#262 (its last line)
      ["ImportError: libGL.so.1: cannot open shared object file: No such file or directory", "apt-get install -y libgl1"],
      // ThatOpen/engine_web-ifc#8
      ["lib/web-ifc-api.ts:5:20 - error TS2580: Cannot find name 'require'. Do you need to install type definitions for node? Try `npm i --save-dev @types/node`.", "npm i --save-dev @types/node"],
    ]);
    expect(topFixes(cwd, "  File \"/opt/conda/lib/python3.7/site-packages/cv2/__init__.py\", line 5, in <module>\nImportError: libGL.so.1: cannot open shared object file: No such file or directory")).toEqual([
      "apt-get install -y libgl1",
    ]);
    // aws/studio-lab-examples#45: GLib is missing, not libGL.
    expect(checkError({ cwd, text: "    from .cv2 import *\nImportError: libgthread-2.0.so.0: cannot open shared object file: No such file or directory" }).matches).toEqual([]);
    // socketio/socket.io#4018: a test runner's globals, not Node's.
    const ts2582 = "test/todo-management/todo.tests.ts:275:3 - error TS2582: Cannot find name 'describe'. Do you need to install type definitions for a test runner? Try `npm i --save-dev @types/jest` or `npm i --save-dev @types/mocha`.";
    expect(checkError({ cwd, text: ts2582 }).matches).toEqual([]);
  });

  it("still reads another name where a message prints one bare as the same error", async () => {
    // The docker-pull-access-denied family of the errors bench (first and fourth sighting).
    const cwd = await workspaceWith([
      ['Failed to pull image "rmeuser-auth": rpc error: code = Unknown desc = Error response from daemon: pull access denied for rmeuser-auth, repository does not exist or may require \'docker login\'', "use the image's full name"],
    ]);
    expect(topFixes(cwd, "Error response from daemon: pull access denied for praqma/jira, repository does not exist or may require 'docker login': denied: requested access to the resource is denied")).toEqual([
      "use the image's full name",
    ]);
  });
});

describe("the words an error ends on, under another outer message", () => {
  it("finds Gradle's class-file error however the build reports it, and not a system message's end alone", async () => {
    const cwd = await workspaceWith([
      // eventuate-tram/eventuate-tram-examples-customers-and-orders#116
      [
        "FAILURE: Build failed with an exception.\n\n* What went wrong:\nExecution failed for task ':buildSrc:compileGroovy'.\n> BUG! exception in phase 'semantic analysis' in source unit 'C:\\GitHub\\eventuate-tram\\buildSrc\\src\\main\\groovy\\ServicePlugin.groovy' Unsupported class file major version 61",
        "run Gradle on JDK 17, or upgrade the wrapper",
      ],
      // The ending `no such file or directory` is a system message's, said by countless errors.
      ["ImportError: libGL.so.1: cannot open shared object file: No such file or directory", "apt-get install -y libgl1"],
    ]);
    // schematico/trevor#16
    const settings =
      "emzenrecords@Mac-Pro trevor % ./gradlew build     \n\nFAILURE: Build failed with an exception.\n\n* Where:\nSettings file '/Users/emzenrecords/trevor/settings.gradle'\n\n* What went wrong:\nCould not compile settings file '/Users/emzenrecords/trevor/settings.gradle'.\n> startup failed:\n  General error during semantic analysis: Unsupported class file major version 61";
    expect(topFixes(cwd, settings)).toEqual(["run Gradle on JDK 17, or upgrade the wrapper"]);
    // The gradlew near miss of the errors bench: a script with Windows line ends.
    expect(checkError({ cwd, text: "(master)$ ./gradlew -v\nenv: bash\\r: No such file or directory" }).matches).toEqual([]);
  });
});

// Sightings from bench/data/errors-fresh4/ (each cites its thread there too).
// Helm with its command echoed, then the error (rancher/rancher#40874).
const HELM_PENDING = `helm upgrade --history-max=5 --install=true --namespace=fleet-system --reset-values=true --timeout=5m0s --values=/home/shell/helm/values-fleet-0.3.1000-up0.3.10-security1.yaml --version=0.3.1000+up0.3.10-security1 --wait=true fleet /home/shell/helm/fleet-0.3.1000-up0.3.10-security1.tgz

Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress`;
// The same error quoted in a sentence (helm/helm#10549).
const HELM_PENDING_PROSE = "`helm upgrade --install --atomic --wait` gives `Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress`";
// Ansible carries the remote's message in its record's values (vmware-archive/tgik#283, ansible/ansible#16467).
const ANSIBLE_NO_PYTHON = `TASK [Gathering Facts] ******************************************************************
fatal: [etcd-lb0]: FAILED! => {"changed": false, "module_stderr": "/bin/sh: 1: /usr/bin/python: not found\\n", "module_stdout": "", "msg": "MODULE FAILURE", "rc": 127}
fatal: [etcd-member2]: FAILED! => {"changed": false, "module_stderr": "/bin/sh: 1: /usr/bin/python: not found\\n", "module_stdout": "", "msg": "MODULE FAILURE", "rc": 127}`;
const ANSIBLE_NO_PYTHON_2 = `PLAY [install odoo] ************************************************************

TASK [setup] *******************************************************************
fatal: [xxx.xxx.xxx.xxx]: FAILED! => {"changed": false, "failed": true, "module_stderr": "", "module_stdout": "/bin/sh: 1: /usr/bin/python: not found\\r\\n", "msg": "MODULE FAILURE", "parsed": false}

NO MORE HOSTS LEFT *************************************************************
    to retry, use: --limit @./.retryfile/test.retry`;
// kubeadm prints warnings before the check that failed, and a hint after it (kubernetes/kubeadm#2024, killer-sh/cks-course-environment#15).
const KUBEADM_SWAP = `kubeadm init --pod-network-cidr=192.168.0.0/16 --apiserver-advertise-address=192.168.9.2

W0201 17:48:59.774024   14370 validation.go:28] Cannot validate kube-proxy config - no validator is available
W0201 17:48:59.774111   14370 validation.go:28] Cannot validate kubelet config - no validator is available
[init] Using Kubernetes version: v1.17.2
[preflight] Running pre-flight checks
        [WARNING IsDockerSystemdCheck]: detected "cgroupfs" as the Docker cgroup driver. The recommended driver is "systemd". Please follow the guide at https://kubernetes.io/docs/setup/cri/
error execution phase preflight: [preflight] Some fatal errors occurred:
        [ERROR Swap]: running with swap on is not supported. Please disable swap
[preflight] If you know what you are doing, you can make a check non-fatal with \`--ignore-preflight-errors=...\`
To see the stack trace of this error execute with --v=5 or higher`;
const KUBEADM_SWAP_JOIN = `root@cks-worker:~# kubeadm join 192.168.x.x:6443 --token <token> --discovery-token-ca-cert-hash sha256:<hash>
[preflight] Running pre-flight checks
error execution phase preflight: [preflight] Some fatal errors occurred:
        [ERROR Swap]: running with swap on is not supported. Please disable swap`;
// Another failed check of the same run, which swapping off does not fix (kubernetes/website#19167).
const KUBEADM_NUMCPU = `W0218 15:06:04.281225   14762 validation.go:28] Cannot validate kube-proxy config - no validator is available
[init] Using Kubernetes version: v1.17.3
[preflight] Running pre-flight checks
error execution phase preflight: [preflight] Some fatal errors occurred:
        [ERROR NumCPU]: the number of available CPUs 1 is less than the required 2
[preflight] If you know what you are doing, you can make a check non-fatal with \`--ignore-preflight-errors=...\`
To see the stack trace of this error execute with --v=5 or higher`;
// MySQL's message on the lines after its code (MUlt1mate/cron-manager#19), the same error as the client prints it
// (lensh/vue-qq#8), and another error of the same SQLSTATE (luyadev/luya-module-cms#254).
const MYSQL_GROUP_BY = `PDOException: SQLSTATE[42000]: Syntax error or access violation: 1055
Expression #2 of SELECT list is not in GROUP BY clause and contains
nonaggregated column 't.task_id' which is not functionally
dependent on columns in GROUP BY clause; this is incompatible with
sql_mode=only_full_group_by in`;
const MYSQL_GROUP_BY_CLIENT =
  "`ERROR 1055 (42000): Expression #1 of SELECT list is not in GROUP BY clause and contains nonaggregated column 'database_tl.emp.id' which is not functionally dependent on columns in GROUP BY clause; this is incompatible with sql_mode=only_full_group_by`";
const MYSQL_KEY_TOO_LONG = `./vendor/bin/luya migrate

*** applying m190728_084936_cms_theme
    > create table cms_theme ...Exception: SQLSTATE[42000]: Syntax error or access violation: 1071 Specified key was too long; max key length is 767 bytes`;
// apt says its message with and without a contraction (ubuntu focal, arakasi72/rtinst#536).
const APT_NO_PUBKEY = `Err:9 https://packagecloud.io/pufferpanel/pufferd/ubuntu focal InRelease
  The following signatures couldn't be verified because the public key is not available: NO_PUBKEY 17442097ED9CCF17
Reading package lists... Done`;
const APT_NO_PUBKEY_WEBMIN = `W: GPG error: http://download.webmin.com/download/repository sarge Release: The following signatures could not be verified because the public key is not available: NO_PUBKEY D97A3AE911F63C51
E: The repository 'http://download.webmin.com/download/repository sarge Release' is not signed.`;

describe("the line that names an error, among a tool's other lines", () => {
  it("is not a command whose options hold a failure word (`--timeout=5m0s`)", () => {
    expect(errorKeyText(HELM_PENDING)).toBe("Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress");
  });

  it("is the error a sentence or a record quotes, not the words around the quotes", () => {
    expect(errorKeyText(HELM_PENDING_PROSE)).toBe("Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress");
    expect(errorKeyText(ANSIBLE_NO_PYTHON)).toBe("/bin/sh: 1: /usr/bin/python: not found");
    expect(errorKeyText(ANSIBLE_NO_PYTHON_2)).toBe("/bin/sh: 1: /usr/bin/python: not found");
    // A quoted value that reads as no error leaves the line as it is.
    expect(errorKeyText('Error: pathspec "docs/a.md" did not match any file(s) known to git')).toBe('Error: pathspec "docs/a.md" did not match any file(s) known to git');
  });

  it("is not a warning when an error follows, nor takes the tool's next tagged record as its rest", () => {
    expect(errorKeyText(KUBEADM_SWAP)).toBe("[ERROR Swap]: running with swap on is not supported. Please disable swap");
    expect(errorKeyText("W0201 17:48:59.774024   14370 validation.go:28] Cannot validate kubelet config\nnothing else here")).toMatch(/Cannot validate kubelet config/);
  });

  it("goes on past a code that ends its line to the message on the next", () => {
    expect(errorKeyText(MYSQL_GROUP_BY)).toMatch(/^PDOException: SQLSTATE\[42000\]: Syntax error or access violation: 1055\nExpression #2 of SELECT list is not in GROUP BY clause/);
  });

  it("finds each fix for the next sighting, and not for another failure of the same tool", async () => {
    const cwd = await workspaceWith([
      [HELM_PENDING, "helm rollback fleet"],
      [ANSIBLE_NO_PYTHON, "set ansible_python_interpreter=/usr/bin/python3"],
      [KUBEADM_SWAP, "sudo swapoff -a"],
      [MYSQL_GROUP_BY, "remove ONLY_FULL_GROUP_BY from sql_mode"],
    ]);
    expect(topFixes(cwd, HELM_PENDING_PROSE)).toEqual(["helm rollback fleet"]);
    expect(topFixes(cwd, ANSIBLE_NO_PYTHON_2)).toEqual(["set ansible_python_interpreter=/usr/bin/python3"]);
    expect(topFixes(cwd, KUBEADM_SWAP_JOIN)).toEqual(["sudo swapoff -a"]);
    expect(topFixes(cwd, MYSQL_GROUP_BY_CLIENT)).toEqual(["remove ONLY_FULL_GROUP_BY from sql_mode"]);
    expect(topFixes(cwd, KUBEADM_NUMCPU)).toEqual([]);
    expect(topFixes(cwd, MYSQL_KEY_TOO_LONG)).toEqual([]);
  });

  it("says what failed in a key of its own: a key of failure words alone (`not-found`) finds nothing by itself", async () => {
    const cwd = await workspaceWith([[ANSIBLE_NO_PYTHON, "set ansible_python_interpreter=/usr/bin/python3"]]);
    // Another thing not found, in another tool's run (grycap/ansible-role-kubernetes#16).
    expect(topFixes(cwd, "TASK [grycap.kubernetes : Kubeadm init] ****\nfatal: [server]: FAILED! => {\"stderr\": \"crictl not found in system path\"}")).toEqual([]);
  });
});

describe("one message written with and without a contraction", () => {
  it("is one error, and the fix takes the new key id", async () => {
    const fix = "sudo apt-key adv --keyserver keyserver.ubuntu.com --recv-keys 17442097ED9CCF17";
    const cwd = await workspaceWith([[APT_NO_PUBKEY, fix]]);
    expect(topFixes(cwd, APT_NO_PUBKEY_WEBMIN)).toEqual(["sudo apt-key adv --keyserver keyserver.ubuntu.com --recv-keys D97A3AE911F63C51"]);
  });
});

// From bench/data/errors-fresh5/: NLTK's LookupError says its message below a rule of stars (pncnmnp/Bookmark-Manager#4).
const NLTK_STOPWORDS = `Traceback (most recent call last):
  File "C:\\Python39\\lib\\site-packages\\nltk\\data.py", line 585, in find
    raise LookupError(resource_not_found)
LookupError: 
**********************************************************************
  Resource stopwords not found.
  Please use the NLTK Downloader to obtain the resource:

  >>> import nltk
  >>> nltk.download('stopwords')`;
// spaCy's error after its traceback (DeepVAC/TorchPod#57), and alone for another pipeline (Spidy20/Smart_Resume_Analyser_App#9).
const SPACY_DE = `root@homepod:~# python demo.py 
Traceback (most recent call last):
  File "demo.py", line 13, in <module>
    token_transform[SRC_LANGUAGE] = get_tokenizer('spacy', language='de_core_news_sm')
  File "/opt/conda/lib/python3.8/site-packages/spacy/util.py", line 331, in load_model
    raise IOError(Errors.E050.format(name=name))
OSError: [E050] Can't find model 'de_core_news_sm'. It doesn't seem to be a Python package or a valid path to a data directory.`;
const SPACY_EN = "OSError: [E050] Can't find model 'en_core_web_sm'. It doesn't seem to be a Python package or a valid path to a data directory.";
// A paste quoted in Markdown (rrousselGit/functional_widget#27), and one in backticks across two lines (minbrowser/min#1139).
const DART_SDK_QUOTED = `> The current Dart SDK version is 2.1.0-dev.9.4.flutter-f9ebf21297.
> 
> Because project requires SDK version >=2.1.0 <3.0.0, version solving failed.
> 
> pub get failed (1)
> exit code 1`;
const SANDBOX_BACKTICKS =
  "`The SUID sandbox helper binary was found, but is not configured correctly. Rather than run without sandboxing I'm aborting now. You need to make sure that /usr/lib/min/chrome-sandbox is owned by root and has mode 4755.\n`";

describe("more of the ways errors are pasted", () => {
  it("reads an exception's message from below its empty line, a Markdown quote without its markers, a quote across lines without its quotes", () => {
    expect(errorKeyText(NLTK_STOPWORDS)).toBe("LookupError:\nResource stopwords not found.\nPlease use the NLTK Downloader to obtain the resource:");
    expect(errorKeyText(DART_SDK_QUOTED)).toBe("Because project requires SDK version >=2.1.0 <3.0.0, version solving failed.");
    expect(errorKeyText(SANDBOX_BACKTICKS)).toMatch(/^The SUID sandbox helper binary was found/);
  });

  it("takes macOS's prompt (`host:dir user$`) with its command for noise", () => {
    expect(errorKeyText("seoraksan:tmp enzo$ ssh-keygen -y -f ~/.dfinity/identity/creds.pem\nLoad key \"/Users/enzo/.dfinity/identity/creds.pem\": bad permissions")).toBe(
      'Load key "/Users/enzo/.dfinity/identity/creds.pem": bad permissions',
    );
  });

  it("adapts a fix to the value after a contraction's apostrophe (`Can't find model 'x'`)", async () => {
    const cwd = await workspaceWith([[SPACY_DE, "python -m spacy download de_core_news_sm"]]);
    expect(topFixes(cwd, SPACY_EN)).toEqual(["python -m spacy download en_core_web_sm"]);
  });
});

// Sightings from bench/data/errors-fresh3/ (each cites its thread there too).
// D8 out of heap under Gradle's task status line (love2d/love-android#287), and under another task's (zcash/kotlin-bip39#201).
const D8_HEAP = `C/C++: 1 warning generated.

> Task :app:mergeExtDexNormalRecordRelease FAILED
ERROR: D8: java.lang.OutOfMemoryError: Java heap space
com.android.builder.dexing.DexArchiveMergerException: Error while merging dex archives:
        at com.android.builder.dexing.D8DexArchiveMerger.getMergingExceptionToRethrow(D8DexArchiveMerger.java:223)`;
const D8_HEAP_2 = `> Task :ui-screenshot-test:mergeExtDexZcashmainnetDebug FAILED
ERROR: D8: java.lang.OutOfMemoryError: Java heap space
com.android.builder.dexing.DexArchiveMergerException: Error while merging dex archives: 
        at com.android.builder.dexing.D8DexArchiveMerger.getMergingExceptionToRethrow(D8DexArchiveMerger.java:159)`;
// Composer's opening over the problem it lists (Intervention/image#23), and the problem alone (stil/gd-text#51).
const COMPOSER_GD = `Loading composer repositories with package information
Updating dependencies (including require-dev)
Your requirements could not be resolved to an installable set of packages.

  Problem 1
    - Installation request for intervention/image dev-master -> satisfiable by intervention/image[dev-master].
    - intervention/image dev-master requires ext-gd \\* -> the requested PHP extension gd is missing from your system.`;
const COMPOSER_GD_2 = ` - Installation request for stil/gd-text ^1.1 -> satisfiable by stil/gd-text[v1.1.0].
 stil/gd-text v1.1.0 requires ext-gd * -> the requested PHP extension gd is missing from your system.`;

describe("the lines every failure of a build tool prints", () => {
  it("are not the error: Gradle's task status and summary lines, Composer's opening", () => {
    expect(errorKeyText(D8_HEAP)).toBe("ERROR: D8: java.lang.OutOfMemoryError: Java heap space");
    // cnatom/MeiTuanAndroidApp#1: the summary over the cause on its `>` line.
    expect(errorKeyText("Could not determine the dependencies of task ':app:compileDebugJavaWithJavac'.\n> Installed Build Tools revision 32.0.0 is corrupted. Remove and install again using the SDK Manager.")).toBe(
      "Installed Build Tools revision 32.0.0 is corrupted. Remove and install again using the SDK Manager.",
    );
    expect(errorKeyText(COMPOSER_GD)).toMatch(/^- intervention\/image dev-master requires ext-gd .* the requested PHP extension gd is missing from your system\.$/);
  });

  it("find the fix recorded for the error under them, and Composer's for another package", async () => {
    const cwd = await workspaceWith([
      [D8_HEAP, "org.gradle.jvmargs=-Xmx4g in gradle.properties"],
      [COMPOSER_GD, "sudo apt-get install php-gd"],
    ]);
    expect(topFixes(cwd, D8_HEAP_2)).toEqual(["org.gradle.jvmargs=-Xmx4g in gradle.properties"]);
    expect(topFixes(cwd, COMPOSER_GD_2)).toEqual(["sudo apt-get install php-gd"]);
  });
});

describe("one problem with the fixes of errors that differ in a value", () => {
  it("lists first the fix recorded for this error's own value, and keeps the order for a value no fix was recorded for", async () => {
    // Two servers refuse the same way; the signature masks the port, so both fixes file under one problem.
    const cwd = await workspaceWith([
      ["connect ECONNREFUSED 127.0.0.1:5432", "sudo systemctl start postgresql"],
      ["connect ECONNREFUSED 127.0.0.1:6379", "sudo systemctl start redis-server"],
    ]);
    expect(checkError({ cwd, text: "Error: connect ECONNREFUSED 127.0.0.1:6379" }).matches).toHaveLength(1);
    expect(topFixes(cwd, "Error: connect ECONNREFUSED 127.0.0.1:6379")).toEqual(["sudo systemctl start redis-server", "sudo systemctl start postgresql"]);
    expect(topFixes(cwd, "connect ECONNREFUSED 127.0.0.1:5432")).toEqual(["sudo systemctl start postgresql", "sudo systemctl start redis-server"]);
    expect(topFixes(cwd, "connect ECONNREFUSED 127.0.0.1:3306")).toEqual(["sudo systemctl start postgresql", "sudo systemctl start redis-server"]);
  });
});

// The Android build tools' cascade (cmeng-git/atalk-android#185), and Gradle's line alone later (cnatom/MeiTuanAndroidApp#1), from bench/data/errors-fresh3/.
const BUILD_TOOLS_DX = `"Install Android SDK Platform 31 (revision: 1)" finished.
Build-tool 31.0.0 is missing DX at /opt/android-sdk/build-tools/31.0.0/dx

FAILURE: Build failed with an exception.

* What went wrong:
Could not determine the dependencies of task ':aTalk:compileFdroidReleaseJavaWithJavac'.
> Installed Build Tools revision 31.0.0 is corrupted. Remove and install again using the SDK Manager.

* Try:
Run with --stacktrace option to get the stack trace. Run with --info or --debug option to get more log output. Run with --scan to get full insights.

BUILD FAILED in 18s`;

describe("a paste whose failure is named on more than one line", () => {
  it("stores each line that says what failed as a pattern, not a tool's trailer or the error object's fields", () => {
    expect(errorPatterns(BUILD_TOOLS_DX)).toEqual([
      "build-tool <num> is missing dx at <path>",
      "installed build tools revision <num> is corrupted. remove and install again using the sdk manager.",
    ]);
    // git's trailer after any failed remote call (a git-ssh-publickey sighting of errors-dev).
    expect(errorPatterns("git@github.com: Permission denied (publickey).\nfatal: Could not read from remote repository.\n\nPlease make sure you have the correct access rights\nand the repository exists.")).toHaveLength(1);
    // Node's dump of the error object under its message.
    expect(errorPatterns("Error: listen EADDRINUSE: address already in use :::3000\n    at Server.setupListenHandle [as _listen2] (node:net:1817:16)\n{\n  code: 'EADDRINUSE',\n  errno: -98,\n  syscall: 'listen',\n  address: '::',\n  port: 3000\n}")).toHaveLength(1);
  });

  it("finds the fix for a later sighting that shows another of its lines, adapted to its revision", async () => {
    const cwd = await workspaceWith([[BUILD_TOOLS_DX, "copy d8 to dx in build-tools/31.0.0, or use build tools 30.0.3"]]);
    expect(topFixes(cwd, "Could not determine the dependencies of task ':app:compileDebugJavaWithJavac'.\n> Installed Build Tools revision 32.0.0 is corrupted. Remove and install again using the SDK Manager.")).toEqual([
      "copy d8 to dx in build-tools/32.0.0, or use build tools 30.0.3",
    ]);
  });
});

describe("a paste indented as a whole", () => {
  it("is read from the depth of its error line", () => {
    // Bundler's message inside another tool's indented output (bench/data/errors-fresh3/, bundler-lockfile-version-missing).
    const indented = [
      "          Activating bundler (2.0.1) failed:",
      "          Could not find 'bundler' (2.0.1) required by your Gemfile.lock.",
      "          To update to the latest version installed on your system, run `bundle update --bundler`.",
    ].join("\n");
    expect(errorKeyText(indented)).toBe("Could not find 'bundler' (2.0.1) required by your Gemfile.lock.");
    // Indented further than the error line, the same sentence is its hint.
    expect(errorKeyText(indented.replace("          To update", "            To update"))).toMatch(/Gemfile\.lock\.\nTo update to the latest/);
  });
});

describe("the shell that ran a failing command", () => {
  // gradlew without its execute bit, as bash, dash and a CI script report it (bench/data/errors-fresh2/: moiseshilario/delivery-app-mobile#10, travis-ci/travis-ci#7249).
  it("is no part of the error: the fix is found whichever shell or script said it", async () => {
    const cwd = await workspaceWith([["bash: ./gradlew: Permission denied", "chmod +x gradlew"]]);
    expect(topFixes(cwd, "sh: 1: ./gradlew: Permission denied")).toEqual(["chmod +x gradlew"]);
    expect(topFixes(cwd, "/home/travis/build.sh: line 45: ./gradlew: Permission denied")).toEqual(["chmod +x gradlew"]);
    // ssh's refusal says the same two words of another failure: a key of them alone is no evidence.
    expect(topFixes(cwd, "git@github.com: Permission denied (publickey).\nfatal: Could not read from remote repository.")).toEqual([]);
  });
});

describe("a name in the middle of a message", () => {
  // Dart's solver names the package that needs a newer SDK; a person wrote `project` over its name
  // (rrousselGit/functional_widget#27, bench/data/errors-fresh5/ with its other sightings).
  it("is a value when either sighting prints it as a name, and a plain word swapped for a plain word is still another error", async () => {
    const cwd = await workspaceWith([
      ["The current Dart SDK version is 2.1.0-dev.9.4.flutter-f9ebf21297.\n\nBecause project requires SDK version >=2.1.0 <3.0.0, version solving failed.", "flutter upgrade"],
      ['psql: FATAL:  Peer authentication failed for user "postgres"', "set the local method to md5 in pg_hba.conf"],
    ]);
    expect(topFixes(cwd, "The current Dart SDK version is 2.12.3.\n\nBecause pilotu_app requires SDK version >=2.18.0 <3.0.0, version solving failed.")).toEqual(["flutter upgrade"]);
    expect(topFixes(cwd, 'psql: FATAL:  password authentication failed for user "postgres"')).toEqual([]);
  });
});

describe("where a message ends", () => {
  it("is before PHP's `Stack trace:` after a file's line number, and at chromium's `aborting` line rather than the whole paste", () => {
    // oubingbing/wechatAlliance#53 (bench/data/errors-fresh5/).
    const laravel = `[2024-11-21 15:48:06] prod.INFO: RuntimeException: No application encryption key has been specified. in /www/wwwroot/xqs.test.top/vendor/laravel/framework/src/Illuminate/Encryption/EncryptionServiceProvider.php:42
Stack trace:
#0 /www/wwwroot/xqs.test.top/vendor/laravel/framework/src/Illuminate/Support/helpers.php(1038): Illuminate\\Encryption\\EncryptionServiceProvider->Illuminate\\Encryption\\{closure}()`;
    expect(errorKeyText(laravel)).toBe(
      "RuntimeException: No application encryption key has been specified. in /www/wwwroot/xqs.test.top/vendor/laravel/framework/src/Illuminate/Encryption/EncryptionServiceProvider.php:42",
    );
    // minbrowser/min#1139's message without its quotes, then the trap signal's line.
    const sandbox = "The SUID sandbox helper binary was found, but is not configured correctly. Rather than run without sandboxing I'm aborting now.\nTrace/breakpoint trap";
    expect(errorKeyText(sandbox)).toBe("The SUID sandbox helper binary was found, but is not configured correctly. Rather than run without sandboxing I'm aborting now.");
  });
});

// git push, refused: the ref's status line says why; `error: failed to push some refs` under it is said for every refusal.
// A push behind the remote (gitpod-io/openvscode-server#555, and wyd0817/Cloud#2 on another branch).
const PUSH_FETCH_FIRST_MAIN = [
  "To https://github.com/stef-von-d/cook-club.git",
  " ! [rejected]        main -> main (fetch first)",
  "error: failed to push some refs to 'https://github.com/stef-von-d/cook-club.git'",
  "hint: Updates were rejected because the remote contains work that you do",
  "hint: not have locally. This is usually caused by another repository pushing",
  "hint: to the same ref. You may want to first integrate the remote changes",
  "hint: (e.g., 'git pull ...') before pushing again.",
  "hint: See the 'Note about fast-forwards' in 'git push --help' for details.",
].join("\n");
const PUSH_FETCH_FIRST_MASTER = [
  "To https://github.com/aniruddhabarapatre/learn-rails.git",
  " ! [rejected]        master -> master (fetch first)",
  "error: failed to push some refs to 'https://github.com/aniruddhabarapatre/learn-rails.git'",
  "hint: Updates were rejected because the remote contains work that you do",
  "hint: not have locally. This is usually caused by another repository pushing",
  "hint: to the same ref. You may want to first merge the remote changes (e.g.,",
  "hint: 'git pull') before pushing again.",
  "hint: See the 'Note about fast-forwards' in 'git push --help' for details.",
].join("\n");
// A push a repository rule refused: pulling first does not help (gleam-lang/gleam#6080).
const PUSH_RULE_VIOLATION = [
  "remote: error: GH013: Repository rule violations found for refs/heads/main.",
  "remote: Review all repository rules at https://github.com/gleam-lang/gleam/rules?ref=refs%2Fheads%2Fmain",
  "remote:",
  "remote: - Changes must be made through a pull request.",
  "remote:",
  "To github.com:gleam-lang/gleam.git",
  " ! [remote rejected]     main -> main (push declined due to repository rule violations)",
  "error: failed to push some refs to 'github.com:gleam-lang/gleam.git'",
].join("\n");

describe("a refused git push", () => {
  it("is named by its rejected ref's line, whatever the branch; git's summary line is no pattern of its own", () => {
    expect(errorKeyText(PUSH_FETCH_FIRST_MAIN)).toBe("! [rejected]        main -> main (fetch first)");
    expect(errorPatterns(PUSH_FETCH_FIRST_MAIN)).toEqual(["! [rejected] <str> -> <str> (fetch first)"]);
    expect(errorPatterns(PUSH_FETCH_FIRST_MASTER)).toEqual(errorPatterns(PUSH_FETCH_FIRST_MAIN));
  });

  it("finds the fix recorded on another branch, and does not offer it for a push a rule refused", async () => {
    const cwd = await workspaceWith([[PUSH_FETCH_FIRST_MAIN, "git pull --rebase, then git push"]]);
    expect(topFixes(cwd, PUSH_FETCH_FIRST_MASTER)).toEqual(["git pull --rebase, then git push"]);
    expect(checkError({ cwd, text: PUSH_RULE_VIOLATION }).matches).toEqual([]);
  });
});

// pip building a package from source: `error: subprocess-exited-with-error` and `Failed building wheel for …` are
// printed for every build that fails; the build's own output between them says why.
// A C extension on Windows without the compiler (absadiki/subsai#31).
const PIP_BUILD_NO_MSVC = [
  "  Building wheel for webrtcvad (pyproject.toml) ... error",
  "  error: subprocess-exited-with-error",
  "",
  "  × Building wheel for webrtcvad (pyproject.toml) did not run successfully.",
  "  │ exit code: 1",
  "  ╰─> [9 lines of output]",
  "      running bdist_wheel",
  "      running build",
  "      running build_py",
  "      creating build",
  "      creating build\\lib.win32-cpython-311",
  "      copying webrtcvad.py -> build\\lib.win32-cpython-311",
  "      running build_ext",
  "      building '_webrtcvad' extension",
  '      error: Microsoft Visual C++ 14.0 or greater is required. Get it with "Microsoft C++ Build Tools": https://visualstudio.microsoft.com/visual-cpp-build-tools/',
  "      [end of output]",
  "",
  "  note: This error originates from a subprocess, and is likely not a problem with pip.",
  "  ERROR: Failed building wheel for webrtcvad",
  "Successfully built subsai whisper-timestamped",
  "Failed to build webrtcvad",
  "ERROR: Could not build wheels for webrtcvad, which is required to install pyproject.toml-based projects",
].join("\n");
// The same for another package, the paste starting inside the build's output (CosciaLab/openDVP#58).
const PIP_BUILD_NO_MSVC_MATPLOTLIB = [
  '      error: Microsoft Visual C++ 14.0 or greater is required. Get it with "Microsoft C++ Build Tools": https://visualstudio.microsoft.com/visual-cpp-build-tools/',
  "      [end of output]",
  "",
  "  note: This error originates from a subprocess, and is likely not a problem with pip.",
  "  ERROR: Failed building wheel for matplotlib",
  "Failed to build matplotlib",
  "ERROR: Failed to build installable wheels for some pyproject.toml based projects (matplotlib)",
].join("\n");
// psycopg2 built from source without PostgreSQL's pg_config: another cause, another fix (k1nd0ne/VolWeb#14).
const PIP_BUILD_NO_PG_CONFIG = [
  "Collecting psycopg2==2.9.3 (from -r .\\requirements.txt (line 55))",
  "  Downloading psycopg2-2.9.3.tar.gz (380 kB)",
  "     ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ 380.6/380.6 kB 8.1 MB/s eta 0:00:00",
  "  Installing build dependencies ... done",
  "  Getting requirements to build wheel ... error",
  "  error: subprocess-exited-with-error",
  "",
  "  × Getting requirements to build wheel did not run successfully.",
  "  │ exit code: 1",
  "  ╰─> [21 lines of output]",
  "      running egg_info",
  "      writing psycopg2.egg-info\\PKG-INFO",
  "      writing dependency_links to psycopg2.egg-info\\dependency_links.txt",
  "      writing top-level names to psycopg2.egg-info\\top_level.txt",
  "",
  "      Error: pg_config executable not found.",
  "",
  "      pg_config is required to build psycopg2 from source.  Please add the directory",
  "      containing pg_config to the $PATH or specify the full executable path with the",
  "      option:",
  "",
  "          python setup.py build_ext --pg-config /path/to/pg_config build ...",
  "",
  "      [end of output]",
].join("\n");
// Only pip's own lines: the build's output went somewhere else (dair-ai/Prompt-Engineering-Guide#24).
const PIP_BUILD_SEE_ABOVE = [
  "Collecting dotenv",
  "  Using cached dotenv-0.0.5.tar.gz (2.4 kB)",
  "  error: subprocess-exited-with-error",
  "  ",
  "  × python setup.py egg_info did not run successfully.",
  "  │ exit code: 1",
  "  ╰─> See above for output.",
  "  ",
  "  note: This error originates from a subprocess, and is likely not a problem with pip.",
  "  Preparing metadata (setup.py) ... error",
  "error: metadata-generation-failed",
].join("\n");

describe("a package pip could not build", () => {
  it("is named by the build's own error, not pip's lines around it; those are no patterns of their own", () => {
    expect(errorKeyText(PIP_BUILD_NO_MSVC)).toMatch(/^error: Microsoft Visual C\+\+ 14\.0 or greater is required/);
    expect(errorPatterns(PIP_BUILD_NO_MSVC)).toEqual(["error: microsoft visual c++ <num> or greater is required. get it with <str>: <url>"]);
    expect(errorKeyText(PIP_BUILD_NO_PG_CONFIG)).toBe("Error: pg_config executable not found.");
    // With nothing of the build's own, pip's line is what there is.
    expect(errorKeyText(PIP_BUILD_SEE_ABOVE)).toMatch(/^error: subprocess-exited-with-error/);
  });

  it("offers the compiler fix for the compiler's error in another package, not for a build that lacked pg_config", async () => {
    const cwd = await workspaceWith([[PIP_BUILD_NO_MSVC, "install Microsoft C++ Build Tools with the Desktop development with C++ workload"]]);
    expect(topFixes(cwd, PIP_BUILD_NO_MSVC_MATPLOTLIB)).toEqual(["install Microsoft C++ Build Tools with the Desktop development with C++ workload"]);
    expect(checkError({ cwd, text: PIP_BUILD_NO_PG_CONFIG }).matches).toEqual([]);
  });
});

// npm running a package's install script: `command failed` and the script's command line are printed for every
// script that fails; the script's own output under them says why.
// The script's shell could not find node-pre-gyp (kelektiv/node.bcrypt.js#951).
const NPM_SCRIPT_NO_NODE_PRE_GYP = [
  "npm ERR! code 127",
  "npm ERR! path /Users/pushpak/Downloads/100-days-of-code/day-23:24/auth/node_modules/bcrypt",
  "npm ERR! command failed",
  "npm ERR! command sh /var/folders/jn/qnq7d91d4kj5psbc_fd7xf7r0000gn/T/install-2295f2c6.sh",
  "npm ERR! /var/folders/jn/qnq7d91d4kj5psbc_fd7xf7r0000gn/T/install-2295f2c6.sh: line 1: node-pre-gyp: command not found",
  "",
  "npm ERR! A complete log of this run can be found in:",
  "npm ERR!     /Users/pushpak/.npm/_logs/2022-09-08T15_06_08_118Z-debug-0.log",
].join("\n");
// The same package's script on Windows, where node itself was not on the PATH (kelektiv/node.bcrypt.js#880).
const NPM_SCRIPT_NO_NODE_WINDOWS = [
  "npm ERR! code 1",
  "npm ERR! path C:\\Users\\Nikish\\WebD\\Secrets-Starting-Code\\node_modules\\bcrypt",
  "npm ERR! command failed",
  "npm ERR! command C:\\WINDOWS\\system32\\cmd.exe /d /s /c node-pre-gyp install --fallback-to-build",
  "npm ERR! '\"node\"' is not recognized as an internal or external command,",
  "npm ERR! operable program or batch file.",
].join("\n");
// npm 10 spells its tag `npm error` (jvidalv/vital#9); npm 7 printed the same as `npm ERR!` (npm/cli#2000).
const NPM10_ERESOLVE = [
  "npm error code ERESOLVE",
  "npm error ERESOLVE unable to resolve dependency tree",
  "npm error",
  "npm error While resolving: vital@1.0.0",
  "npm error Found: vite@5.4.10",
  "npm error node_modules/vite",
  'npm error   dev vite@"5.4.10" from the root project',
].join("\n");
const NPM7_ERESOLVE = [
  "npm ERR! code ERESOLVE",
  "npm ERR! ERESOLVE unable to resolve dependency tree",
  "npm ERR!",
  "npm ERR! Found: @typescript-eslint/parser@3.10.1",
  "npm ERR! node_modules/@typescript-eslint/parser",
  'npm ERR!   dev @typescript-eslint/parser@"4.5.0" from the root project',
].join("\n");

describe("a package's install script that failed under npm", () => {
  it("is named by the script's own error: a command the shell or cmd.exe could not find", () => {
    expect(errorKeyText(NPM_SCRIPT_NO_NODE_PRE_GYP)).toBe("node-pre-gyp: command not found");
    expect(errorKeyText(NPM_SCRIPT_NO_NODE_WINDOWS)).toMatch(/^'"node"' is not recognized as an internal or external command,/);
  });

  it("keeps two causes in one package's script apart", async () => {
    const cwd = await workspaceWith([[NPM_SCRIPT_NO_NODE_PRE_GYP, "npm install --global node-pre-gyp"]]);
    expect(checkError({ cwd, text: NPM_SCRIPT_NO_NODE_WINDOWS }).matches).toEqual([]);
  });

  it("reads npm 10's `npm error` tag as npm 7's `npm ERR!`", async () => {
    expect(errorKeyText(NPM10_ERESOLVE)).toBe(errorKeyText(NPM7_ERESOLVE));
    const cwd = await workspaceWith([[NPM7_ERESOLVE, "npm install --legacy-peer-deps"]]);
    expect(topFixes(cwd, NPM10_ERESOLVE)).toEqual(["npm install --legacy-peer-deps"]);
  });
});

// Compilers run by ninja: `FAILED: <target>` and `ninja: build stopped: subcommand failed.` are said for every
// failed build; the compiler's line between them says why (LeelaChessZero/lc0#312).
const NINJA_NO_CUDA_HEADER = [
  "[171/403] Generating 'lc0@exe/network_cudnn.o'.",
  "FAILED: lc0@exe/network_cudnn.o ",
  "/usr/local/cuda-9.0/bin/nvcc -c ../../src/neural/network_cudnn.cu -o lc0@exe/network_cudnn.o -I /home/bjiyxo/Downloads/lc0/src --std=c++14 -Xcompiler -fPIC",
  "cc1plus: fatal error: cuda_runtime.h: No such file or directory",
  "compilation terminated.",
].join("\n");
// PyTorch building an extension: the compiler's output, then a traceback that ends in exceptions saying only that
// the build command failed. The lines above the traceback are sicxu/Deep3DFaceRecon_pytorch#158's; the traceback
// is the one PyTorch prints after them (lucasjinreal/DCNv2_latest#46).
const TORCH_EXTENSION_NO_CUDA_HEADER = [
  "/home/me/anaconda3/envs/deep3d_pytorch/lib/python3.6/site-packages/torch/include/ATen/cuda/CUDAContext.h:5:10: fatal error: cuda_runtime_api.h: No such file or directory",
  " #include <cuda_runtime_api.h>",
  "          ^~~~~~~~~~~~~~~~~~~~",
  "compilation terminated.",
  "ninja: build stopped: subcommand failed.",
  "Traceback (most recent call last):",
  '  File "/home/peng/anaconda3/envs/CenterNet/lib/python3.6/site-packages/torch/utils/cpp_extension.py", line 1522, in _run_ninja_build',
  "    env=env)",
  '  File "/home/peng/anaconda3/envs/CenterNet/lib/python3.6/subprocess.py", line 438, in run',
  "    output=stdout, stderr=stderr)",
  "subprocess.CalledProcessError: Command '['ninja', '-v']' returned non-zero exit status 1.",
  "",
  "The above exception was the direct cause of the following exception:",
  "",
  "Traceback (most recent call last):",
  '  File "setup.py", line 64, in <module>',
  '    cmdclass={"build_ext": torch.utils.cpp_extension.BuildExtension},',
  "RuntimeError: Error compiling objects for extension",
].join("\n");
// Only the traceback: nothing else says what failed (rosinality/stylegan2-pytorch#355).
const TORCH_EXTENSION_TRACEBACK_ONLY = [
  "Traceback (most recent call last):",
  '  File "/home/ls/anaconda3/envs/stylegan2/lib/python3.7/site-packages/torch/utils/cpp_extension.py", line 1906, in _run_ninja_build',
  "    env=env)",
  '  File "/home/ls/anaconda3/envs/stylegan2/lib/python3.7/subprocess.py", line 512, in run',
  "    output=stdout, stderr=stderr)",
  "subprocess.CalledProcessError: Command '['ninja', '-v']' returned non-zero exit status 1.",
].join("\n");

describe("a build a tool ran for another", () => {
  it("is named by the compiler's line, not ninja's nor the exceptions that say the command failed", () => {
    expect(errorKeyText(NINJA_NO_CUDA_HEADER)).toBe("fatal error: cuda_runtime.h: No such file or directory");
    expect(errorKeyText(TORCH_EXTENSION_NO_CUDA_HEADER)).toBe("fatal error: cuda_runtime_api.h: No such file or directory");
    expect(errorPatterns(TORCH_EXTENSION_NO_CUDA_HEADER)).toEqual(["fatal error: cuda_runtime_api.h: no such file or directory"]);
    expect(errorKeyText(TORCH_EXTENSION_TRACEBACK_ONLY)).toBe("subprocess.CalledProcessError: Command '['ninja', '-v']' returned non-zero exit status 1.");
  });
});

// `next build`: `Failed to compile.` and `Build failed because of webpack errors` are said for every failed build;
// the module's error between them says why. A package not installed (shuding/nextra#220), another one
// (floatzeI/2016-roblox#26), and a build that overflowed the stack (vercel/next.js#34155).
const NEXT_MODULE_NOT_FOUND = [
  "info  - Creating an optimized production build  ",
  "Failed to compile.",
  "",
  "ModuleNotFoundError: Module not found: Error: Can't resolve 'nextra-theme-docs' in '/workspace/blog-test/pages'",
  "",
  "",
  "> Build error occurred",
  "Error: > Build failed because of webpack errors",
  "    at /workspace/blog-test/node_modules/next/dist/build/index.js:397:19",
  "    at processTicksAndRejections (internal/process/task_queues.js:95:5)",
  "error Command failed with exit code 1",
].join("\n");
const NEXT_MODULE_NOT_FOUND_OTHER = [
  "info  - Creating an optimized production build  ",
  "Failed to compile.",
  "",
  "./components/actionButton/index.js",
  "Module not found: Can't resolve 'react-jss' in '/root/2016-roblox-main/components/actionButton'",
  "",
  "Import trace for requested module:",
  "./pages/My/CreateGroup.aspx.js",
].join("\n");
const NEXT_STACK_OVERFLOW = [
  "Failed to compile.",
  "",
  "HookWebpackError: Maximum call stack size exceeded",
  "",
  "",
  "> Build error occurred",
  "Error: > Build failed because of webpack errors",
  "    at <root>/node_modules/next/dist/build/index.js:397:19",
].join("\n");

describe("a Next.js build that failed to compile", () => {
  it("is named by the module's error", () => {
    expect(errorKeyText(NEXT_MODULE_NOT_FOUND)).toMatch(/^ModuleNotFoundError: Module not found: Error: Can't resolve 'nextra-theme-docs'/);
    expect(errorKeyText(NEXT_STACK_OVERFLOW)).toBe("HookWebpackError: Maximum call stack size exceeded");
    expect(errorPatterns(NEXT_STACK_OVERFLOW)).toEqual(["hookwebpackerror: maximum call stack size exceeded"]);
  });

  it("offers a missing package's fix for another missing package, not for another failure", async () => {
    const cwd = await workspaceWith([[NEXT_MODULE_NOT_FOUND, "npm install nextra-theme-docs"]]);
    expect(topFixes(cwd, NEXT_MODULE_NOT_FOUND_OTHER)).toEqual(["npm install react-jss"]);
    expect(checkError({ cwd, text: NEXT_STACK_OVERFLOW }).matches).toEqual([]);
  });
});

// Test runners: Jest's `● Test suite failed to run` is said for every suite that could not load, and the
// summaries (`Test Suites: 3 failed, 3 total`) for every run that failed; what failed is the suite's error, or the
// failed test's title. A CSS import Jest cannot load (canonical-web-and-design/vanilla-framework-react#24), a suite
// with no test (Jadhielv/ITL#22), a test's assertion (JeanPaiva42/jest-an-issue#47).
const JEST_CSS_IMPORT = [
  " FAIL  src/components/App/App.test.js",
  "  ● Test suite failed to run",
  "",
  "    Cannot find module './App.css' from 'App.js'",
  "      ",
  "      at Resolver.resolveModule (node_modules/jest-resolve/build/index.js:179:17)",
  "      at Object.<anonymous> (src/components/App/App.js:5:76)",
  "",
  "Test Suites: 3 failed, 3 total",
  "Tests:       0 total",
  "Snapshots:   0 total",
  "Time:        1.384s",
  "Ran all test suites.",
].join("\n");
const JEST_NO_TEST = [
  " FAIL  test/e2e/specs/test.js",
  "",
  "  ● Test suite failed to run",
  "",
  "    Your test suite must contain at least one test.",
  "",
  "      at onResult (D:\\Repositories (GitHub)../../../KCTest/kctest-frontend/node_modules/@jest/core/build/TestScheduler.js:175:18)",
].join("\n");
const JEST_ASSERTION = [
  "  ● example tests › test that always fails",
  "",
  "    expect(received).toBe(expected) // Object.is equality",
  "",
  "    Expected: true",
  "    Received: false",
  "",
  "      2 | ",
  "      3 |     test('test that always fails', ()=>{",
  "    > 4 |         expect(false).toBe(true);",
  "        |                       ^",
  "      5 |     });",
  "",
  "      at Object.<anonymous> (tests/example-test.test.js:4:23)",
].join("\n");

describe("a test run that failed", () => {
  it("is named by the suite's error or the failed test, not by the runner's lines every failure shares", () => {
    expect(errorKeyText(JEST_CSS_IMPORT)).toBe("Cannot find module './App.css' from 'App.js'");
    expect(errorPatterns(JEST_CSS_IMPORT)).toEqual(["cannot find module <str> from <str>"]);
    expect(errorKeyText(JEST_ASSERTION)).toBe("● example tests › test that always fails");
  });

  it("does not offer one suite's fix for another suite's failure", async () => {
    const cwd = await workspaceWith([[JEST_CSS_IMPORT, 'map CSS imports in jest.config.js: moduleNameMapper { "\\\\.css$": "identity-obj-proxy" }']]);
    expect(checkError({ cwd, text: JEST_NO_TEST }).matches).toEqual([]);
    expect(checkError({ cwd, text: JEST_ASSERTION }).matches).toEqual([]);
  });
});

// RubyGems building the pg gem: `Failed to build gem native extension.` is said for every native gem that fails
// to build; extconf's line says why. Without libpq's headers (rubygems/bundler#6035), and with them but without
// the library (rubygems/bundler#1748).
const GEM_PG_NO_HEADER = [
  "Gem::Ext::BuildError: ERROR: Failed to build gem native extension.",
  "",
  "    current directory: /var/lib/gems/2.3.0/gems/pg-0.21.0/ext",
  "/usr/bin/ruby2.3 -r ./siteconf20170916-11128-1ftect8.rb extconf.rb",
  "checking for pg_config... yes",
  "Using config values from /usr/bin/pg_config",
  "You need to install postgresql-server-dev-X.Y for building a server-side extension or libpq-dev for building a",
  "client-side application.",
  "checking for libpq-fe.h... no",
  "Can't find the 'libpq-fe.h header",
  "*** extconf.rb failed ***",
  "Could not create Makefile due to some reason, probably lack of necessary",
  "libraries and/or headers.  Check the mkmf.log file for more details.  You may",
  "need configuration options.",
].join("\n");
const GEM_PG_NO_LIBRARY = [
  "/Users/j/.rvm/rubies/ruby-1.9.3-p125/lib/ruby/site_ruby/1.9.1/rubygems/installer.rb:552:in `rescue in block in build_extensions': ERROR: Failed to build gem native extension. (Gem::Installer::ExtensionBuildError)",
  "",
  "    /Users/j/.rvm/rubies/ruby-1.9.3-p125/bin/ruby extconf.rb ",
  "checking for pg_config... yes",
  "Using config values from /usr/local/bin/pg_config",
  "checking for libpq-fe.h... yes",
  "checking for PQconnectdb() in -lpq... no",
  "Can't find the PostgreSQL client library (libpq)",
  "*** extconf.rb failed ***",
  "Could not create Makefile due to some reason, probably lack of",
  "necessary libraries and/or headers.  Check the mkmf.log file for more",
  "details.  You may need configuration options.",
].join("\n");

// The mysql2 gem without MySQL's client library (rubygems/bundler#5674).
const GEM_MYSQL2_NO_CLIENT = [
  "Gem::Ext::BuildError: ERROR: Failed to build gem native extension.",
  "",
  "    current directory: /usr/local/rvm/gems/ruby-2.3.0/gems/mysql2-0.4.4/ext/mysql2",
  "/usr/local/rvm/rubies/ruby-2.3.0/bin/ruby -r ./siteconf20170524-9589-12zw22j.rb extconf.rb",
  "checking for ruby/thread.h... yes",
  "checking for mysql_query() in -lmysqlclient... no",
  "-----",
  "mysql client is missing. You may need to 'apt-get install libmysqlclient-dev' or 'yum install mysql-devel', and try again.",
  "-----",
  "*** extconf.rb failed ***",
  "Could not create Makefile due to some reason, probably lack of necessary",
  "libraries and/or headers.  Check the mkmf.log file for more details.  You may",
  "need configuration options.",
].join("\n");

describe("a native gem that failed to build", () => {
  it("is named by extconf's line, not RubyGems' nor mkmf's lines every failed build shares", () => {
    expect(errorKeyText(GEM_PG_NO_HEADER)).toBe("Can't find the 'libpq-fe.h header");
    expect(errorPatterns(GEM_PG_NO_HEADER)).toEqual(["can't find the 'libpq-fe.h header"]);
    expect(errorKeyText(GEM_PG_NO_LIBRARY)).toBe("Can't find the PostgreSQL client library (libpq)");
  });

  it("does not offer one gem's fix for another gem that failed to build", async () => {
    const cwd = await workspaceWith([[GEM_PG_NO_HEADER, "sudo apt-get install libpq-dev"]]);
    expect(checkError({ cwd, text: GEM_MYSQL2_NO_CLIENT }).matches).toEqual([]);
  });
});

// pip's resolver prints the same preamble over whatever conflicts it found; the conflict line says which.
// pylint wanting an older isort and mccabe (Significant-Gravitas/AutoGPT#3809), nbconvert an older mistune
// (brettkromkamp/contextualise#157).
const PIP_CONFLICT_ISORT = [
  "ERROR: pip's dependency resolver does not currently take into account all the packages that are installed. This behaviour is the source of the following dependency conflicts.",
  "pylint 2.4.4 requires isort<5,>=4.2.5, but you have isort 5.12.0 which is incompatible.",
  "pylint 2.4.4 requires mccabe<0.7,>=0.6, but you have mccabe 0.7.0 which is incompatible.",
].join("\n");
const PIP_CONFLICT_MISTUNE = [
  "ERROR: pip's dependency resolver does not currently take into account all the packages that are installed. This behaviour is the source of the following dependency conflicts.",
  "nbconvert 6.4.4 requires mistune<2,>=0.8.1, but you have mistune 3.0.1 which is incompatible.",
].join("\n");

describe("a dependency conflict pip's resolver reports", () => {
  it("is named by the conflict, not by the resolver's preamble", async () => {
    expect(errorKeyText(PIP_CONFLICT_ISORT)).toBe("pylint 2.4.4 requires isort<5,>=4.2.5, but you have isort 5.12.0 which is incompatible.");
    const cwd = await workspaceWith([[PIP_CONFLICT_ISORT, "pip install 'isort<5' 'mccabe<0.7'"]]);
    expect(checkError({ cwd, text: PIP_CONFLICT_MISTUNE }).matches).toEqual([]);
  });
});

// pg_dump older than the server it dumps, as pasted in ankane/pgsync#226, dimitri/pgcopydb#322 and schickling/dockerfiles#163.
const PG_DUMP_16 = "pg_dump: error: aborting because of server version mismatch\npg_dump: detail: server version: 16.2; pg_dump version: 15.4";
const PG_DUMP_14_LOG =
  "02:37:29 367 ERROR  pg_dump:\n02:37:29 367 ERROR   error: server version: 14.8 (Debian 14.8-1.pgdg110+1); pg_dump version: 13.11 (Debian 13.11-0+deb11u1)\n02:37:29 367 ERROR  pg_dump: error:\n02:37:29 367 ERROR  aborting because of server version mismatch";
const PG_DUMP_16_AGAIN = "pg_dump: error: server version: 16.4 (Debian 16.4-1.pgdg120+2); pg_dump version: 14.4\npg_dump: error: aborting because of server version mismatch";

describe("a fix that names a version's major", () => {
  it("puts in the major of the new error's version, also inside a package name", async () => {
    const cwd = await workspaceWith([[PG_DUMP_16, "sudo apt install postgresql-client-16, then /usr/lib/postgresql/16/bin/pg_dump"]]);
    expect(topFixes(cwd, PG_DUMP_14_LOG)).toEqual(["sudo apt install postgresql-client-14, then /usr/lib/postgresql/14/bin/pg_dump"]);
  });

  it("keeps the fix when the new error's version has the same major, whatever another version beside it says", async () => {
    const cwd = await workspaceWith([[PG_DUMP_16, "sudo apt install postgresql-client-16"]]);
    // The server is 16.4 here; the client's 14.4 stands where the recorded error had 15.4, not where the fix's 16 came from.
    expect(topFixes(cwd, PG_DUMP_16_AGAIN)).toEqual(["sudo apt install postgresql-client-16"]);
  });

  it("reads the major of a version range (yarn's engine check, exaroton/node-exaroton-api#1, TwilioDevEd/browser-calls-node#236, vercel/og-image#218)", async () => {
    const cwd = await workspaceWith([
      ['error exaroton@1.1.0: The engine "node" is incompatible with this module. Expected version ">=18.0.0". Got "15.0.1"\nerror Found incompatible module.', "nvm install 18 && nvm use 18"],
    ]);
    expect(topFixes(cwd, 'error browser-calls-node@1.0.0: The engine "node" is incompatible with this module. Expected version "^12". Got "14.16.0"\nerror Found incompatible module.')).toEqual([
      "nvm install 12 && nvm use 12",
    ]);
    expect(topFixes(cwd, 'The engine "node" is incompatible with this module. Expected version "14.x". Got "16.15.0"')).toEqual(["nvm install 14 && nvm use 14"]);
  });
});

// OpenSSH refusing a private key others can read, as pasted in craftcms/nitro#154, kubernetes/git-sync#215, dfinity/sdk#802 and square/certstrap#137.
const KEY_TOO_OPEN = (mode: string, path: string) =>
  `@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n@         WARNING: UNPROTECTED PRIVATE KEY FILE!          @\n@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\nPermissions ${mode} for '${path}' are too open.\nIt is required that your private key files are NOT accessible by others.\nThis private key will be ignored.`;

describe("a fix that names a file from the home folder", () => {
  it("puts in the new path from ~ when it is under a home folder, and whole when it is not", async () => {
    const cwd = await workspaceWith([[`${KEY_TOO_OPEN("0664", "/home/ubuntu/.ssh/id_rsa")}\nLoad key "/home/ubuntu/.ssh/id_rsa": bad permissions`, "chmod 600 ~/.ssh/id_rsa"]]);
    expect(topFixes(cwd, KEY_TOO_OPEN("0440", "/root/.ssh/id_ed25519"))).toEqual(["chmod 600 ~/.ssh/id_ed25519"]);
    expect(topFixes(cwd, KEY_TOO_OPEN("0644", "/Users/enzo/.dfinity/identity/creds.pem"))).toEqual(["chmod 600 ~/.dfinity/identity/creds.pem"]);
    expect(topFixes(cwd, KEY_TOO_OPEN("0444", "/etc/ssh/ssh_host_rsa_key"))).toEqual(["chmod 600 /etc/ssh/ssh_host_rsa_key"]);
    // Another user's home, the same file: the fix as recorded.
    expect(topFixes(cwd, KEY_TOO_OPEN("0755", "/Users/phayes/.ssh/id_rsa"))).toEqual(["chmod 600 ~/.ssh/id_rsa"]);
  });
});

describe("a name between two clauses", () => {
  it("reads the program a shell could not find between its clauses (ifmeorg/ifme#1554, aspirepress/AspireCloud#8)", async () => {
    const cwd = await workspaceWith([["sh: bash: not found", "apk add bash"]]);
    expect(topFixes(cwd, "sh: composer: not found")).toEqual(["apk add composer"]);
  });
});

// Elasticsearch refusing to start in docker, as blacktop/docker-cuckoo#10 and texta-tk/texta#34 reported it (bench/data/errors-fresh8/).
const ES_MAP_COUNT_REPORT = "Web interface is unreachable because elastic search docker can't start with the error in the title\n\nthis is the last part of the log of docker-compose running without -d\n\nelasticsearch_1  | ERROR: bootstrap checks failed\nelasticsearch_1  | max virtual memory areas vm.max_map_count [65530] is too low, increase to at least [262144]\nelasticsearch_1  | [2017-04-11T11:26:21,051][INFO ][o.e.n.Node               ] [Bq3e7JX] stopping ...\nelasticsearch_1  | [2017-04-11T11:26:21,074][INFO ][o.e.n.Node               ] [Bq3e7JX] stopped\nelasticsearch_1  | [2017-04-11T11:26:21,074][INFO ][o.e.n.Node               ] [Bq3e7JX] closing ...\nelasticsearch_1  | [2017-04-11T11:26:21,093][INFO ][o.e.n.Node               ] [Bq3e7JX] closed";
const ES_MAP_COUNT_SHORT = "if elasticsearch will die after start with:\n\nERROR: [1] bootstrap checks failed\nmax virtual memory areas vm.max_map_count [65530] is too low, increase to at least [262144] \n\n----\n\n git clone https://github.com/texta-tk/texta.git\n cd texta/docker/\n docker-compose pull\n docker-compose up\n\n----\n\nLinux texta-test-2 4.4.0-141-generic #167-Ubuntu SMP Wed Dec 5 10:40:15 UTC 2018 x86_64 x86_64 x86_64 GNU/Linux\nDocker version 18.09.1, build 4c52b90\ndocker-compose version 1.23.2, build 1110ad01";

describe("a person's sentence over the log", () => {
  it("is not the error when a tool's line below names one", async () => {
    expect(errorKeyText(ES_MAP_COUNT_REPORT).split("\n")[0]).toBe("ERROR: bootstrap checks failed");
    const cwd = await workspaceWith([[ES_MAP_COUNT_REPORT, "sudo sysctl -w vm.max_map_count=262144"]]);
    expect(topFixes(cwd, ES_MAP_COUNT_SHORT)).toEqual(["sudo sysctl -w vm.max_map_count=262144"]);
  });
});

// zsh reading a pip extra as a glob, as ray-project/ray#6696, ohmyzsh/ohmyzsh#6982 and meta-llama/llama-cookbook#348 show it (bench/data/errors-fresh8/).
const ZSH_EXTRAS_REPORT = "When trying to execute\n```\npip install ray[tune] torch torchvision filelock\n```\nfrom the tune Quick Start guide (https://ray.readthedocs.io/en/latest/tune.html) I get the error message \n`zsh: no matches found: ray[tune]`. Zsh apparently tries to match some pattern. Is the package literally called ray[tune] or is it enough to install ray?";
const ZSH_EXTRAS_PROMPT = "➜  Project  pip install qrcode[pil]\nzsh: no matches found: qrcode[pil]\n➜  Project  exec bash\nbash-3.2$ pip install qrcode[pil]\nRequirement already satisfied: qrcode[pil] in /Library/Python/2.7/site-packages (6.0)";
const ZSH_EXTRAS_PROJECT = "### 🐛 Describe the bug\n\npip install --extra-index-url https://download.pytorch.org/whl/test/cu118 -e .[tests,auditnlg,vllm]\n\nbut it shows:\nzsh: no matches found: .[tests,auditnlg,vllm]\n\n### Error logs\n\nzsh: no matches found: .[tests,auditnlg,vllm]";

describe("an error a person quotes in a sentence, and a requirement with extras", () => {
  it("is the quoted error when the words around it name no failure", () => {
    expect(errorKeyText(ZSH_EXTRAS_REPORT)).toBe("zsh: no matches found: ray[tune]");
  });

  it("puts in the requirement zsh could not expand, the project's own extras too", async () => {
    const cwd = await workspaceWith([[ZSH_EXTRAS_REPORT, "quote the requirement: pip install 'ray[tune]'"]]);
    expect(topFixes(cwd, ZSH_EXTRAS_PROMPT)).toEqual(["quote the requirement: pip install 'qrcode[pil]'"]);
    expect(topFixes(cwd, ZSH_EXTRAS_PROJECT)).toEqual(["quote the requirement: pip install '.[tests,auditnlg,vllm]'"]);
  });
});

// One message about two imports that went away: Jinja2 3.1 dropped escape (globus/globus-sample-data-portal#68, productive-dev/minimal-reverse-proxy-demo#39),
// huggingface_hub 0.26 dropped cached_download (YanjieZe/3D-Diffusion-Policy#91, minimaxir/imgbeddings#7); bench/data/errors-fresh8/.
const JINJA_ESCAPE = "**OS**: Windows 10\n**Python version**: 3.10.0\n\n```\nTraceback (most recent call last):\n  File \"C:\\Users\\elmim\\dev\\globus-sample-data-portal\\run_portal.py\", line 3, in <module>\n    from portal import app\n  File \"C:\\Users\\elmim\\dev\\globus-sample-data-portal\\portal\\__init__.py\", line 1, in <module>\n    from flask import Flask\n  File \"C:\\Users\\elmim\\dev\\globus-sample-data-portal\\venv\\lib\\site-packages\\flask\\__init__.py\", line 14, in <module>\n    from jinja2 import escape\nImportError: cannot import name 'escape' from 'jinja2' (C:\\Users\\elmim\\dev\\globus-sample-data-portal\\venv\\\n```";
const JINJA_ESCAPE_COMPOSE = "temperature-service  | ImportError: cannot import name 'escape' from 'jinja2' (/usr/local/lib/python3.7/site-packages/jinja2/__init__.py)";
const HF_CACHED_DOWNLOAD = "Error:\n```\nImportError: cannot import name 'cached_download' from 'huggingface_hub' (~/mambaforge/envs/dp3/lib/python3.8/site-packages/huggingface_hub/__init__.py)\n```";
const HF_CACHED_DOWNLOAD_AGAIN = "package fails with following error\nImportError: cannot import name 'cached_download' from 'huggingface_hub' (/home/intel/.local/lib/python3.10/site-packages/huggingface_hub/__init__.py)";

describe("two problems of one message about different values", () => {
  it("puts first, at the same score, the problem recorded for the values this error names", async () => {
    for (const order of [[0, 1], [1, 0]]) {
      const recorded: Array<[string, string]> = [[JINJA_ESCAPE, "pip install 'jinja2<3.1'"], [HF_CACHED_DOWNLOAD, "pip install huggingface_hub==0.25.2"]];
      const cwd = await workspaceWith(order.map((i) => recorded[i]!));
      expect(topFixes(cwd, JINJA_ESCAPE_COMPOSE)).toEqual(["pip install 'jinja2<3.1'"]);
      expect(topFixes(cwd, HF_CACHED_DOWNLOAD_AGAIN)).toEqual(["pip install huggingface_hub==0.25.2"]);
    }
  });
});

// A script with Windows line endings, as shevabam/ezservermonitor-sh#7 and trevor-laher/OnDemandMinecraft#9 reported it (bench/data/errors-fresh8/): the second quotes the whole message in backticks.
const CRLF_SCRIPT = "The line break problem.\n\nSystem Message:\n# ./eZServerMonitor.sh\n-bash: ./eZServerMonitor.sh: /bin/bash^M: bad interpreter: No such file or directory";
const CRLF_SCRIPT_QUOTED = "File transfered by filezilla from Windows\n\n`bash: ./autoshutdown.sh: /bin/sh^M: bad interpreter: No such file or directory`";

describe("a whole message a person quoted in backticks", () => {
  it("is read inside for the values a fix takes", async () => {
    const cwd = await workspaceWith([[CRLF_SCRIPT, "dos2unix eZServerMonitor.sh"]]);
    expect(topFixes(cwd, CRLF_SCRIPT_QUOTED)).toEqual(["dos2unix autoshutdown.sh"]);
  });
});

// The Python docker SDK under requests 2.32, as google-deepmind/alphafold#1066 and Josh-XT/SafeExecute#2 reported it (bench/data/errors-fresh8/).
const DOCKER_PY_SCHEME = "Hello, I encountered the same error as you: docker.errors.DockerException: Error while fetching server API version: Not supported URL scheme http+docker\nMy docker version is: Docker version 26.1.2, build 211e74b";
const DOCKER_PY_SCHEME_LOGGED = "OS: Windows\nPython: 3.10\n\nWhen I execute any code with `execute_python_code` I get the error:\n```\nERROR:root:Error executing Python code: Error while fetching server API version: Not supported URL scheme http+docker\n```\nI have no idea, where this comes from or how to fix it.";

describe("a person's words right under the pasted message", () => {
  it("are no part of it", async () => {
    expect(errorKeyText(DOCKER_PY_SCHEME)).toBe("docker.errors.DockerException: Error while fetching server API version: Not supported URL scheme http+docker");
    const cwd = await workspaceWith([[DOCKER_PY_SCHEME, "pip install 'docker>=7.1.0'"]]);
    expect(topFixes(cwd, DOCKER_PY_SCHEME_LOGGED)).toEqual(["pip install 'docker>=7.1.0'"]);
  });
});
