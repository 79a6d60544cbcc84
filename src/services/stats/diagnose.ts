import { type FailedTorrentRow, failedTorrents } from "../../db/repo/library-stats.ts";
import type { Deps } from "../../deps.ts";

export interface DiagnosisGroup {
  type: string;
  label: string;
  explanation: string;
  action: string;
  command: string;
  torrents: FailedTorrentRow[];
}

interface Rule {
  type: string;
  label: string;
  explanation: string;
  action: string;
  command: string;
  matches(t: FailedTorrentRow): boolean;
}

const detailsError = (pattern: RegExp) => (t: FailedTorrentRow) =>
  t.details_error !== null && pattern.test(t.details_error);

/** Ordered: the first rule that matches a torrent is its type. */
const RULES: Rule[] = [
  {
    type: "details_rate_limited",
    label: "Details refused (rate limit)",
    explanation: "Real-Debrid answered 429 too_many_requests while fetching details.",
    action: "Retry later; the smart sync retries these first.",
    command: "bun run redriva sync smart",
    matches: detailsError(/429|too_many_requests|rate/i),
  },
  {
    type: "details_timeout",
    label: "Details timed out / network",
    explanation: "The request timed out or the connection dropped (temporary).",
    action: "Retry automatically.",
    command: "bun run redriva sync smart",
    matches: detailsError(/timed out|timeout|network|ECONN|socket/i),
  },
  {
    type: "details_server_error",
    label: "Details failed (provider error)",
    explanation: "Real-Debrid answered with a server error or an unreadable answer.",
    action: "Retry; if it persists, the provider is having trouble.",
    command: "bun run redriva sync resume",
    matches: (t) => t.details_error !== null,
  },
  {
    type: "magnet_error",
    label: "magnet_error",
    explanation: "Real-Debrid could not convert the magnet (no metadata found).",
    action: "Re-add it from its hash (repair rebuilds the magnet).",
    command: "bun run redriva repair run",
    matches: (t) => t.status === "magnet_error",
  },
  {
    type: "virus",
    label: "virus",
    explanation: "Real-Debrid flagged the content as a virus. It will not be served.",
    action: "Delete it and grab another release.",
    command: "bun run redriva repair run",
    matches: (t) => t.status === "virus",
  },
  {
    type: "dead",
    label: "dead",
    explanation: "No seeders left, or its links no longer unrestrict.",
    action: "Re-inject it (same hash, same files).",
    command: "bun run redriva repair run",
    matches: (t) => t.status === "dead",
  },
  {
    type: "error",
    label: "error",
    explanation: "The download failed at Real-Debrid.",
    action: "Refresh its details, then re-inject if it stays in error.",
    command: "bun run redriva sync details --status error",
    matches: (t) => t.status === "error",
  },
];

/** Groups torrents in error by type, each with an explanation, an action and the command. */
function diagnose(torrents: FailedTorrentRow[]): DiagnosisGroup[] {
  const groups = new Map<string, DiagnosisGroup>();
  for (const t of torrents) {
    const rule = RULES.find((r) => r.matches(t));
    const key = rule?.type ?? `other:${t.status}`;
    let group = groups.get(key);
    if (!group) {
      group = rule
        ? {
            type: rule.type,
            label: rule.label,
            explanation: rule.explanation,
            action: rule.action,
            command: rule.command,
            torrents: [],
          }
        : {
            type: key,
            label: t.status,
            explanation: "An unusual status.",
            action: "Refresh its details.",
            command: `bun run redriva sync details --status ${t.status}`,
            torrents: [],
          };
      groups.set(key, group);
    }
    group.torrents.push(t);
  }
  return [...groups.values()].sort((a, b) => b.torrents.length - a.torrents.length);
}

/** `redriva diagnose` and the /diagnose page: the library's torrents in error, grouped. */
export function diagnoseLibrary(deps: Pick<Deps, "dbh">): DiagnosisGroup[] {
  return diagnose(failedTorrents(deps.dbh));
}
