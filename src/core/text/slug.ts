import { UsageError } from "../errors.js";
import { clip } from "./clip.js";
import { redactName } from "../redaction/redact.js";
import { foldMarks } from "./words.js";

const MAX_SLUG = 80;

/**
 * Turns any name into a safe file-name slug: lower case letters, digits and
 * single dashes, no dots, no separators, at most 80 characters. Letters of
 * any script are kept (accents folded), so `Déploiement staging` becomes
 * `deploiement-staging` and `部署` stays `部署`.
 * A name holding a credential becomes the slug of its redaction marker
 * (`redacted-github-token`, see redactName), so no file name, tag or key
 * brain makes from a name carries a secret, nor any part of one.
 * Throws a UsageError when nothing usable is left.
 */
export function toSlug(name: string): string {
  // The same names come back throughout a workspace's logs (every [op] entry of a deploy); each is worked out once.
  const known = slugs.get(name);
  if (known !== undefined) return known;
  const slug = makeSlug(name);
  if (slugs.size >= 10_000) slugs.clear();
  slugs.set(name, slug);
  return slug;
}

const slugs = new Map<string, string>();

function makeSlug(name: string): string {
  const safe = redactName(name).value;
  let slug = foldMarks(safe)
    .replace(/[^\p{L}\p{N}]+/gu, "-")
    .replace(/^-+|-+$/g, "");
  slug = clip(slug, MAX_SLUG).replace(/-+$/g, "");
  if (!slug) {
    throw new UsageError(`${JSON.stringify(safe.slice(0, 60))} has no letters or digits to make a name from.`);
  }
  return slug;
}

/** Tags are slugs too, so `#Deploy Prod` and `#deploy-prod` are the same tag. */
export function toTag(tag: string): string {
  return toSlug(tag.replace(/^#+/, ""));
}
