import { z } from "zod";

/**
 * Raw TorBox API v1 JSON (https://api-docs.torbox.app/, base https://api.torbox.app/v1/api).
 * Only this folder and the fake server read these shapes; everything else sees the normalised
 * provider types. Schemas are loose: TorBox adds fields often, and a field we do not read must
 * never fail a sync.
 */

const num = z.coerce.number().catch(0);
const optionalString = z.string().nullable().optional().catch(null);

/** One file of a torrent: `name` is "<torrent folder>/<path>", `short_name` the base name. */
export const tbFile = z.looseObject({
  id: z.coerce.number(),
  name: z.string(),
  size: num,
  short_name: optionalString,
  mimetype: optionalString,
  infected: z.boolean().optional().catch(false),
  hash: optionalString,
  md5: optionalString,
  absolute_path: optionalString,
  s3_path: optionalString,
  zipped: z.boolean().optional().catch(false),
});

/**
 * One torrent of GET /torrents/mylist (a list, or one object with `?id=`). `download_finished`
 * and `download_present` are the completion flags; `download_state` is informative (the
 * documentation says not to use "completed" for completion).
 */
export const tbTorrent = z.looseObject({
  id: z.coerce.number(),
  hash: optionalString,
  name: z.string().catch(""),
  size: num,
  active: z.boolean().optional().catch(false),
  created_at: optionalString,
  updated_at: optionalString,
  cached_at: optionalString,
  expires_at: optionalString,
  download_state: z.string().catch("unknown"),
  seeds: z.coerce.number().nullable().optional().catch(null),
  peers: z.coerce.number().nullable().optional().catch(null),
  /** 0..1 */
  progress: num,
  download_speed: z.coerce.number().nullable().optional().catch(null),
  upload_speed: z.coerce.number().nullable().optional().catch(null),
  eta: z.coerce.number().nullable().optional().catch(null),
  download_finished: z.boolean().optional().catch(false),
  download_present: z.boolean().optional().catch(false),
  cached: z.boolean().optional().catch(false),
  server: z.coerce.number().nullable().optional().catch(null),
  files: z.array(z.unknown()).nullable().optional().catch(null),
});
export type TbTorrent = z.infer<typeof tbTorrent>;

/** POST /torrents/createtorrent: `data`. */
export const tbCreated = z.looseObject({
  torrent_id: z.coerce.number(),
  hash: optionalString,
  auth_id: optionalString,
});

/** GET /user/me: `data`. plan: 0 free, 1 essential, 2 pro, 3 standard. */
export const tbUser = z.looseObject({
  id: z.coerce.number().optional().catch(0),
  email: optionalString,
  plan: z.coerce.number().catch(0),
  is_subscribed: z.boolean().optional().catch(false),
  premium_expires_at: optionalString,
  cooldown_until: optionalString,
  total_downloaded: z.coerce.number().optional().catch(0),
});

/** GET /torrents/checkcached?format=object: cached hashes → `{name, size, hash}`; others absent. */
export const tbCached = z.record(z.string(), z.looseObject({ name: z.string().optional(), size: num }));

export const TB_PLANS: Record<number, string> = { 0: "free", 1: "essential", 2: "pro", 3: "standard" };
