/**
 * Why a grab failed for good (download_torrents.fail_reason). The replacement policy
 * (ARR_REPLACE_POLICY, src/services/arr/replace.ts) decides per reason whether the *arr is asked
 * for another release or Redriva waits for a person.
 */
export const GRAB_FAILURE_REASONS = [
  /** The provider refuses the release (infringing_file): it never will. */
  "infringing",
  /** Dead, virus, magnet error or error status at the provider. */
  "dead",
  /** Not cached while DOWNLOAD_REQUIRE_CACHED=true. */
  "not_cached",
  /** No progress at the provider for DOWNLOAD_STALLED_AFTER (a magnet that never converts). */
  "stalled",
  /** Errors after every retry (provider refusals, a file that never downloads). */
  "errors",
  /** The providers were down (5xx, 503, network) for every retry: the release may be fine. */
  "provider_outage",
  /** The disk filled up: the release is fine. */
  "disk_full",
  /** Anything local (moving the files, waiting for the mount). */
  "other",
] as const;
export type GrabFailureReason = (typeof GRAB_FAILURE_REASONS)[number];

/** ENOSPC and friends: the disk, not the release. */
export function isDiskFull(message: string): boolean {
  return /ENOSPC|no space left|disk is (nearly )?full/i.test(message);
}
