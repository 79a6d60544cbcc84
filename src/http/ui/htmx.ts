/** `HX-Trigger` header value that shows a toast (public/js/app.js) and fires other events. */
export function toastTrigger(
  level: "ok" | "error" | "warn" | "info",
  message: string,
  more: Record<string, unknown> = {},
): string {
  // Header values must be ASCII: escape everything else as JSON \u sequences.
  return JSON.stringify({ toast: { level, message }, ...more }).replace(
    /[\u007f-\uffff]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
