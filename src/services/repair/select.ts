import type { ProviderFile } from "../../providers/types.ts";

/** Which files of a re-added torrent to select. */

const VIDEO = /\.(mkv|mp4|m4v|avi|mov|wmv|ts|m2ts|webm|mpg|mpeg|flv|iso|vob)$/i;
/** Samples and trailers are video files nobody re-adds a torrent for. */
const EXTRA = /(^|[/._ -])(sample|trailer)([/._ -]|$)/i;

export interface Selection {
  /** File ids to select on the new torrent, or "all". */
  ids: number[] | "all";
  /** How they were chosen, for the attempt record. */
  basis: "original" | "video" | "all";
  paths: string[];
}

const norm = (path: string) => `/${path.replace(/\\/g, "/").replace(/^\/+/, "")}`.normalize("NFC");

/**
 * The same files as the original torrent (matched by path, then by id, since a torrent re-added
 * by hash has the same metadata), else its video files (without samples), else all of them.
 */
export function chooseFiles(
  newFiles: readonly ProviderFile[],
  originalSelected: readonly { id: number; path: string }[],
): Selection {
  if (originalSelected.length > 0) {
    const byPath = new Map(newFiles.map((f) => [norm(f.path), f]));
    const matched = originalSelected
      .map(
        (o) => byPath.get(norm(o.path)) ?? newFiles.find((f) => f.id === o.id && !byPath.has(norm(o.path))),
      )
      .filter((f): f is ProviderFile => f !== undefined);
    const unique = [...new Map(matched.map((f) => [f.id, f])).values()];
    if (unique.length > 0) {
      return {
        ids: unique.map((f) => f.id).sort((a, b) => a - b),
        basis: "original",
        paths: unique.map((f) => f.path),
      };
    }
  }
  const videos = newFiles.filter((f) => VIDEO.test(f.path));
  const main = videos.filter((f) => !EXTRA.test(f.path));
  const chosen = main.length > 0 ? main : videos;
  if (chosen.length > 0) {
    return {
      ids: chosen.map((f) => f.id).sort((a, b) => a - b),
      basis: "video",
      paths: chosen.map((f) => f.path),
    };
  }
  return { ids: "all", basis: "all", paths: newFiles.map((f) => f.path) };
}

/** What a dry run can say before the new torrent exists. */
export function describePlannedSelection(originalSelected: readonly { path: string }[]): string {
  if (originalSelected.length === 0) return "the video files of the new torrent (original selection unknown)";
  const shown = originalSelected.slice(0, 5).map((f) => f.path);
  const more =
    originalSelected.length > shown.length ? ` and ${originalSelected.length - shown.length} more` : "";
  return `the same ${originalSelected.length} file(s) as the original: ${shown.join(", ")}${more}`;
}
