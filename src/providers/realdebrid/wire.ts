/**
 * Raw Real-Debrid REST 1.0 JSON, as documented at https://api.real-debrid.com/.
 * Only this folder reads these shapes; everything else sees the normalised types.
 */
export interface RdTorrentItem {
  id: string;
  filename: string;
  hash: string;
  bytes: number;
  host: string;
  split: number;
  progress: number;
  status: string;
  added: string;
  links: string[];
  ended?: string;
  speed?: number;
  seeders?: number;
}

export interface RdTorrentInfo extends RdTorrentItem {
  original_filename: string;
  original_bytes: number;
  files: Array<{ id: number; path: string; bytes: number; selected: number }>;
}

export interface RdUnrestrict {
  id: string;
  filename: string;
  mimeType: string;
  filesize: number;
  link: string;
  host: string;
  chunks: number;
  crc: number;
  download: string;
  streamable: number;
}

export interface RdUser {
  id: number;
  username: string;
  email: string;
  points: number;
  locale: string;
  avatar: string;
  type: "premium" | "free";
  premium: number;
  expiration: string;
}

export type RdTraffic = Record<
  string,
  { left?: number; bytes?: number; links?: number; limit?: number; type?: string }
>;
