import { splitCommandLine } from "../../lib/command-line.ts";
import { optionalText, positiveInt } from "../fields.ts";

/** After the download: archives extracted (unar), then DOWNLOAD_ON_COMPLETE (no shell). */
export const downloadPostprocessFields = () => ({
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
  DOWNLOAD_ON_COMPLETE: string[] | null;
  DOWNLOAD_ON_COMPLETE_TIMEOUT: number;
}) {
  return {
    onComplete: {
      /** argv (split without a shell), null when unset. */
      argv: env.DOWNLOAD_ON_COMPLETE,
      timeoutMs: env.DOWNLOAD_ON_COMPLETE_TIMEOUT * 1000,
    },
  };
}
