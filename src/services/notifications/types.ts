import type { NotificationEventType } from "../../config/sections/notifications.ts";

export type { NotificationEventType };

export type Severity = "info" | "warning" | "error";

/** Something worth telling the user about. Names in it are sent as plain text, never as markup. */
export interface NotificationEvent {
  type: NotificationEventType;
  /** Short: "Job smart-sync failed", "Download completed". */
  title: string;
  message: string;
  severity?: Severity;
  /** Extra facts (job, torrent id, path...): flat values shown as fields. */
  data?: Record<string, string | number | boolean | null | undefined | Record<string, number>>;
}

/** The JSON body POSTed to WEBHOOK_URL. */
export interface WebhookPayload {
  event: NotificationEventType;
  title: string;
  message: string;
  severity: Severity;
  /** ISO 8601. */
  at: string;
  data: Record<string, unknown>;
  source: "redriva";
}

export const DEFAULT_SEVERITY: Record<NotificationEventType, Severity> = {
  job_failed: "error",
  torrent_failed: "error",
  download_completed: "info",
  download_failed: "error",
  disk_space_low: "warning",
  grab_replaced: "info",
  grab_replacements_stopped: "warning",
};
