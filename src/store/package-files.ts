import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

let cachedRoot: string | undefined;

/** The installed package's folder (holding templates/ and schemas/), from wherever this module was bundled to. */
export function packageRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "templates", "workspace")) && existsSync(join(dir, "package.json"))) return (cachedRoot = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error("brain's templates/ folder is missing from the installation; reinstall brain.");
    dir = up;
  }
}

/**
 * The files a new workspace starts with, as workspace-relative path → content.
 * Dotfiles are stored without their dot (`gitignore`, `gitattributes`), because package
 * managers drop `.gitignore` files from published packages.
 */
export function workspaceTemplates(): Map<string, string> {
  const base = join(packageRoot(), "templates", "workspace");
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const ent of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(dir, ent.name);
      if (ent.isDirectory()) walk(full);
      else {
        const rel = relative(base, full).split("\\").join("/");
        files.set(rel === "gitignore" || rel === "gitattributes" ? `.${rel}` : rel, readFileSync(full, "utf8"));
      }
    }
  };
  walk(base);
  return files;
}
