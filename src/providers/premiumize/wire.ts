import { z } from "zod";

/**
 * Raw Premiumize API JSON (https://www.premiumize.me/api, the swaggerhub "premiumize.me/api"
 * definition). Only this folder and the fake read these shapes. Every answer carries `status`
 * ("success" | "error"); errors come with a `message` (and, in newer answers, a `code`), usually
 * with HTTP 200. Schemas are loose: unknown fields pass, absent optional ones are tolerated.
 */

/** Ids are opaque strings; some clients saw numbers. */
const id = z.union([z.string(), z.number()]).transform(String);
/** Sizes and dates arrive as numbers or numeric strings (cache/check `filesize`). */
const numeric = z.union([z.number(), z.string()]).transform((v) => Number(v));
const nullableId = id.nullable().optional();

export const PmError = z.looseObject({
  status: z.literal("error"),
  message: z.string().nullable().optional(),
  code: z.union([z.string(), z.number()]).nullable().optional(),
});
export type PmError = z.infer<typeof PmError>;

/**
 * Documented transfer statuses. `progress` is 0..1 and is 0 again once finished (seen in real
 * answers); `message` is free text ("Downloading at 2.1 MB/s…") or null.
 */
export const PM_TRANSFER_STATUSES = [
  "waiting",
  "queued",
  "running",
  "seeding",
  "finished",
  "error",
  "timeout",
  "deleted",
  "banned",
] as const;

export const PmTransfer = z.looseObject({
  id,
  name: z.string().nullable().optional(),
  message: z.string().nullable().optional(),
  status: z.string(),
  progress: numeric.nullable().optional(),
  /** The magnet (or link) the transfer was created from: where the info-hash is read. */
  src: z.string().nullable().optional(),
  /** Where a multi-file transfer finished: its folder in the cloud. */
  folder_id: nullableId,
  /** Where a single-file transfer finished: its file in the cloud. */
  file_id: nullableId,
  target_folder_id: nullableId,
  /** Unix seconds (not in every answer). */
  created_at: numeric.nullable().optional(),
});
export type PmTransfer = z.infer<typeof PmTransfer>;

export const PmTransferList = z.looseObject({
  status: z.literal("success"),
  transfers: z.array(z.unknown()),
});

/** POST /transfer/create: `type` is "torrent", "nzb" or "savetocloud"… */
export const PmTransferCreate = z.looseObject({
  status: z.literal("success"),
  id,
  name: z.string().nullable().optional(),
  type: z.string().nullable().optional(),
});

/** An entry of GET /folder/list `content`. Files carry `size`, `link` and maybe `stream_link`. */
export const PmItem = z.looseObject({
  id,
  name: z.string(),
  type: z.enum(["file", "folder"]),
  size: numeric.nullable().optional(),
  created_at: numeric.nullable().optional(),
  mime_type: z.string().nullable().optional(),
  link: z.string().nullable().optional(),
  stream_link: z.string().nullable().optional(),
});
export type PmItem = z.infer<typeof PmItem>;

export const PmFolderList = z.looseObject({
  status: z.literal("success"),
  content: z.array(PmItem),
  name: z.string().nullable().optional(),
  parent_id: nullableId,
  folder_id: nullableId,
});
export type PmFolderList = z.infer<typeof PmFolderList>;

/** GET /item/details: one file, with a fresh `link`. */
export const PmItemDetails = z.looseObject({
  id,
  name: z.string(),
  size: numeric.nullable().optional(),
  created_at: numeric.nullable().optional(),
  folder_id: nullableId,
  mime_type: z.string().nullable().optional(),
  link: z.string().nullable().optional(),
  stream_link: z.string().nullable().optional(),
  transcode_status: z.string().nullable().optional(),
});
export type PmItemDetails = z.infer<typeof PmItemDetails>;

/** GET|POST /cache/check with `items[]`: parallel arrays, one entry per item asked. */
export const PmCacheCheck = z.looseObject({
  status: z.literal("success"),
  response: z.array(z.boolean()),
  transcoded: z.array(z.unknown()).optional(),
  filename: z.array(z.string().nullable()).optional(),
  filesize: z.array(z.unknown()).optional(),
});

/** GET /account/info. `premium_until` is Unix seconds (or false/null when not premium). */
export const PmAccountInfo = z.looseObject({
  status: z.literal("success"),
  customer_id: id,
  premium_until: z.union([z.number(), z.boolean(), z.null()]).optional(),
  /** Share of the fair-use limit used, 0..1. */
  limit_used: numeric.nullable().optional(),
  space_used: numeric.nullable().optional(),
  booster_points: numeric.nullable().optional(),
});

/**
 * POST /transfer/directdl (`src`: a file host's link, or a cached magnet): the direct links,
 * one `content` entry per file (`path`, `size`, `link`, `stream_link`, `transcode_status`).
 */
export const PmDirectDl = z.looseObject({
  status: z.literal("success"),
  content: z.array(
    z.looseObject({
      path: z.string(),
      size: numeric.nullable().optional(),
      link: z.string(),
      stream_link: z.string().nullable().optional(),
      transcode_status: z.string().nullable().optional(),
    }),
  ),
});
