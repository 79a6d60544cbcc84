/**
 * Sync errors end with the CLI command that fixes them ("…: run `redriva sync resume` to finish"),
 * which the terminal wants. The web UI offers a button for it instead and shows the rest.
 */
export function withoutCliCommand(text: string): string {
  return text
    .replace(/[;:,]?\s*\(?run `redriva [^`]*`\)?(?: to [^.;)]*)?/g, "")
    .replace(/`redriva [^`]*`/g, "the CLI")
    .trim();
}
