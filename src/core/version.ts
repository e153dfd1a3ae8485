declare const __BRAIN_VERSION__: string;

/** brain's version (package.json's), injected when the CLI is bundled; "dev" when run from source. Both fronts report it. */
export const VERSION = typeof __BRAIN_VERSION__ === "string" ? __BRAIN_VERSION__ : "dev";
