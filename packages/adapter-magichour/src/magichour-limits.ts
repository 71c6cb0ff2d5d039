import type { AudioFormat, ImageFormat, MediaRole } from '@portrait-animator/core'

/** Provider name used on targets, errors, events and handles. */
export const PROVIDER = 'magichour'

/** The Magic Hour API, when no `baseUrl` is given. */
export const DEFAULT_BASE_URL = 'https://api.magichour.ai'

/** Environment variable read when no `apiKey` is given. */
export const API_KEY_VARIABLE = 'MAGIC_HOUR_API_KEY'

/**
 * Longest talking-photo clip (`end_seconds - start_seconds`) in seconds. The SDK 0.43.1-era API
 * documents "at most 60 s" (shared/design/providers.md §3.2). Newer docs quote other figures per
 * generation mode (realistic 180 s / prompted 45 s, later 300 s / 60 s), so 60 s is the value every
 * generation of the API accepts for the modes 0.43.1 can send.
 */
export const MAX_CLIP_SECONDS = 60

/** Smallest `end_seconds` the API accepts (providers.md §3.2: `end_seconds >= 0.1`). */
export const MIN_END_SECONDS = 0.1

/**
 * Largest upload: the Free plan's limit (200 MB, providers.md §3.4); paid plans allow more, but a
 * local check must hold for every account.
 */
export const MAX_UPLOAD_BYTES = 200 * 1024 * 1024

/**
 * Image formats we can upload: the detected formats whose extension is in the upload-urls list of
 * SDK 0.43.1 (png, jpg, jpeg, heic, webp, avif, jp2, tiff, bmp). GIF is accepted only by face swap.
 */
export const IMAGE_FORMATS: readonly ImageFormat[] = ['jpeg', 'png', 'webp', 'bmp']

/**
 * The portrait geometry both Magic Hour models get:
 * - at least 64 px a side: the docs only recommend 512x512 (providers.md §3.2, "Limits and
 *   pricing"), which is advice, not a refusal; 64 px is the floor below which no face detector finds
 *   a face (Magic Hour then fails with `no_source_face`);
 * - at most 8192 x 8192 pixels: the output is capped at 720p (talking photo) or 1080p/4k
 *   (image-to-video, providers.md §3.6), so more pixels only cost upload time and our own decode;
 *   8192 x 8192 still takes a 48 MP phone photo as it is;
 * - at most 4:1 either way: the outputs are 16:9 at their widest, and a strip holds no portrait.
 */
export const IMAGE_GEOMETRY = { minWidth: 64, minHeight: 64, maxPixels: 8192 * 8192, maxAspectRatio: 4 } as const

/**
 * Audio formats we can upload: mp3, wav, aac, flac from the SDK 0.43.1 list, plus m4a and ogg that
 * the current docs accept (providers.md §3.4).
 */
export const AUDIO_FORMATS: readonly AudioFormat[] = ['mp3', 'wav', 'aac', 'flac', 'm4a', 'ogg']

/**
 * File extensions a URL input may end with, per role. Magic Hour fetches URLs itself and needs the
 * extension in the path (providers.md §3.4: "Public URLs work too; they must include the file
 * extension"); the lists are the 0.43.1 upload-urls extensions plus the ones the current docs add.
 */
export const URL_EXTENSIONS: Readonly<Record<Extract<MediaRole, 'image' | 'audio'>, readonly string[]>> = {
  image: ['png', 'jpg', 'jpeg', 'jfif', 'heic', 'heif', 'webp', 'avif', 'jp2', 'tif', 'tiff', 'bmp'],
  audio: ['mp3', 'wav', 'aac', 'flac', 'webm', 'weba', 'm4a', 'opus', 'ogg', 'oga', 'aiff', 'amr'],
}

/** Hosts (and their subdomains) Magic Hour serves upload and download URLs from, besides the API's own origin. */
export const MAGIC_HOUR_HOSTS: readonly string[] = ['magichour.ai']
