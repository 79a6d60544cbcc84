import { splitCommandLine } from "../../lib/command-line.ts";
import { bool, optionalText, positiveInt, text } from "../fields.ts";

/** After the download: archives extracted (unar), then DOWNLOAD_ON_COMPLETE (no shell). */
export const downloadPostprocessFields = () => ({
  DOWNLOAD_EXTRACT_ARCHIVES: bool(true),
  DOWNLOAD_DELETE_ARCHIVES: bool(false),
  UNAR_BIN: text("unar"),
  LSAR_BIN: text("lsar"),
  DOWNLOAD_ON_COMPLETE: optionalText()
    .superRefine((s, ctx) => {
      if (s === undefined) return;
      const argv = splitCommandLine(s);
      if (typeof argv === "string") ctx.addIssue({ code: "custom", message: argv });
      else if (argv.length === 0) ctx.addIssue({ code: "custom", message: "expected a command" });
    })
    .transform((s) => (s === undefined ? null : (splitCommandLine(s) as string[]))),
  DOWNLOAD_ON_COMPLETE_TIMEOUT: positiveInt(300),
});

export function buildDownloadPostprocess(env: {
  DOWNLOAD_EXTRACT_ARCHIVES: boolean;
  DOWNLOAD_DELETE_ARCHIVES: boolean;
  UNAR_BIN: string;
  LSAR_BIN: string;
  DOWNLOAD_ON_COMPLETE: string[] | null;
  DOWNLOAD_ON_COMPLETE_TIMEOUT: number;
}) {
  return {
    extract: {
      enabled: env.DOWNLOAD_EXTRACT_ARCHIVES,
      /** The archives go once everything in them is out. */
      deleteArchives: env.DOWNLOAD_DELETE_ARCHIVES,
      unar: env.UNAR_BIN,
      lsar: env.LSAR_BIN,
    },
    onComplete: {
      /** argv (split without a shell), null when unset. */
      argv: env.DOWNLOAD_ON_COMPLETE,
      timeoutMs: env.DOWNLOAD_ON_COMPLETE_TIMEOUT * 1000,
    },
  };
}
