import type { MediaFormat, MediaRole } from '../spec/index.js'

/** Where loaded media came from. */
export type MediaSource = 'path' | 'url' | 'bytes' | 'blob' | 'data-uri'

/** A media input read into memory, its real format detected from the bytes and its headers probed. */
export interface LoadedMedia {
  /** The whole file. For `Uint8Array` inputs this is the caller's own memory, not a copy. */
  readonly bytes: Uint8Array
  /** Detected from the bytes, never from a name. */
  readonly format: MediaFormat
  /** The MIME type of `format`, e.g. `image/jpeg`, `audio/wav`, `video/mp4`. */
  readonly mimeType: string
  /** `image`, `audio` or `video`, derived from the format. */
  readonly role: MediaRole
  /** Pixel width: images always, video when the header gives it. */
  readonly width?: number
  /** Pixel height: images always, video when the header gives it. */
  readonly height?: number
  /** Audio and video length in seconds, when the headers give it. */
  readonly durationSeconds?: number
  /** How the input was given. */
  readonly source: MediaSource
  /**
   * A safe file name with the right extension for the detected format, from the path, URL or
   * `File` name when there is one (`portrait.jpg`), else from the role (`image.jpg`).
   */
  readonly fileName: string
  /** The original URL (query string included) when `source` is `url`. */
  readonly url?: string
  /** SHA-256 of `bytes` in hex (see `mediaDigest`): what uploads and decode checks are keyed by. */
  readonly sha256: string
  /** The absolute path of the file read, when `source` is `path` (uploads read it again from disk). */
  readonly path?: string
}

/** Options of `loadMedia`. */
export interface LoadMediaOptions {
  /** The request field this input came from, named in every error (`image`, `motion.audio`). */
  readonly field: string
  /** The role the input must have; anything else is rejected with rule `format`. */
  readonly expect: MediaRole
  /**
   * Hard cap in bytes while reading or downloading; a file over it is rejected before it is read.
   * @default 209715200 (200 MB)
   */
  readonly maxBytes?: number
  /**
   * Largest pixel count accepted whatever the target, so a header claiming 60000x60000 is rejected
   * from the header alone.
   * @default 268402689 (16383 x 16383, sharp's default input limit)
   */
  readonly maxPixels?: number
  /**
   * Allow URLs on private, loopback and link-local networks (a local server, an intranet).
   * @default false
   */
  readonly allowPrivateNetwork?: boolean
  /** Cancels reading or downloading; the error then has kind `cancelled` (or `timeout`). */
  readonly signal?: AbortSignal
  /**
   * The fetch used for URL inputs, e.g. one with a proxy, or a fake in tests.
   * @default global `fetch` when `allowPrivateNetwork` is true; otherwise an undici fetch whose
   * connections re-check every resolved address (against DNS rebinding)
   */
  readonly fetch?: typeof fetch
}
