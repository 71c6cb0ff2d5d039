/**
 * Media inputs: read any `MediaInput`, detect its real format from the bytes, read dimensions and
 * duration from the headers, and check it against a target's limits before any network call.
 * @module
 */
export { assertPublicUrl, type AssertPublicUrlOptions } from './assert-public-url.js'
export { checkMediaLimits } from './check-media-limits.js'
export { isRemoteUrl } from './is-remote-url.js'
export { assertImageDecodes, imageDecodeFailure, type AssertImageDecodesOptions, type ImageDecodeFailure } from './decode-image.js'
export { DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS, loadMedia } from './load-media.js'
export type { LoadMediaOptions, LoadedMedia, MediaSource } from './loaded-media.js'
export type { MediaRule } from './media-error.js'
export { MEDIA_FORMATS, extensionOf, mimeTypeOf, roleOf } from './media-formats.js'
export { isPrivateAddress, privateRangeOf } from './private-address.js'
export { findMp4Box, mp4Boxes, type Mp4Box } from './mp4-boxes.js'
export { allMp4Boxes, readMp4Summary, type Mp4Summary } from './mp4-summary.js'
export { probeMedia, type MediaProbe } from './probe-media.js'
export { sniffFormat } from './sniff-format.js'
export { audioDurationSeconds, audioEnvelope, type AudioEnvelope } from './audio-envelope.js'
export { mediaDigest } from './media-digest.js'
export { SharedUploads, type SharedUploadsOptions } from './shared-uploads.js'
export { uploadFile, type UploadFileSource } from './upload-blob.js'
