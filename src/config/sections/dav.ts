import { z } from "zod";
import { oneOf, positiveInt } from "../fields.ts";

/** One virtual folder rule of DAV_FOLDERS: torrents whose name matches, or grabbed under a category. */
export type DavFolderRule =
  | { folder: string; by: "name"; pattern: RegExp }
  | { folder: string; by: "category"; category: string };

/** Folder names the layout already uses for itself. */
const RESERVED = new Set(["__all__", ".", ".."]);

/**
 * `shows=category:tv-sonarr;shows=name:S\d{2};movies=category:radarr` → rules, in order (a torrent
 * goes into every folder one of whose rules it matches). Name patterns are case-insensitive regular
 * expressions. Returns the problem in words when a rule is malformed.
 */
export function parseDavFolders(input: string): DavFolderRule[] | string {
  const rules: DavFolderRule[] = [];
  for (const part of input.split(";").map((p) => p.trim())) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const folder = eq > 0 ? part.slice(0, eq).trim() : "";
    const rule = eq > 0 ? part.slice(eq + 1).trim() : "";
    if (!/^[A-Za-z0-9 ._-]{1,64}$/.test(folder) || RESERVED.has(folder))
      return `"${part}": the folder name must be 1-64 letters, digits, spaces, dots, dashes or underscores (not __all__)`;
    if (rule.startsWith("category:") && rule.length > "category:".length) {
      rules.push({ folder, by: "category", category: rule.slice("category:".length).trim() });
    } else if (rule.startsWith("name:") && rule.length > "name:".length) {
      try {
        rules.push({ folder, by: "name", pattern: new RegExp(rule.slice("name:".length), "i") });
      } catch {
        return `"${part}": the name pattern is not a valid regular expression`;
      }
    } else {
      return `"${part}": expected folder=category:<category> or folder=name:<pattern>`;
    }
  }
  return rules;
}

export const davSchema = z.object({
  /** Virtual folders of /dav/ besides __all__ (see parseDavFolders). */
  DAV_FOLDERS: z
    .string()
    .optional()
    .transform((s) => s ?? "")
    .superRefine((s, ctx) => {
      const parsed = parseDavFolders(s);
      if (typeof parsed === "string") ctx.addIssue({ code: "custom", message: parsed });
    })
    .transform((s) => parseDavFolders(s) as DavFolderRule[]),
  /**
   * How long a direct link is reused when the provider does not say when it expires (seconds).
   * A link that stops working earlier is unrestricted again at once.
   */
  DAV_LINK_TTL_SECONDS: positiveInt(6 * 3600),
  /**
   * How GET hands out a file's bytes: `proxy` streams them through Redriva (every client, resumes a
   * broken provider connection, counts bytes, finds dead links); `redirect` answers 302 to the
   * provider's direct link (the provider's speed and Content-Length, for clients that follow
   * redirects keeping Range, as rclone does).
   */
  DAV_STREAM: oneOf(["proxy", "redirect"], "proxy"),
});

export function buildDav(env: z.infer<typeof davSchema>) {
  return {
    folders: env.DAV_FOLDERS,
    linkTtlMs: env.DAV_LINK_TTL_SECONDS * 1000,
    stream: env.DAV_STREAM,
  };
}
