import { openAsBlob } from 'node:fs'

/** One Blob per input buffer, with the digest it was made for (the caller may change the buffer later). */
const blobs = new WeakMap<Uint8Array, { readonly digest: string; readonly blob: Blob }>()

/** What `uploadFile` needs of loaded media. */
export interface UploadFileSource {
  readonly bytes: Uint8Array
  readonly fileName: string
  readonly mimeType: string
  /** The local file the bytes were read from, when they came from a path. */
  readonly path?: string | undefined
}

/**
 * The media as a `File` to upload, without copying the bytes once per job:
 * - read from a path: a file-backed Blob (`fs.openAsBlob`), nothing held in memory; reading it
 *   fails if the file changed since it was validated;
 * - bytes: one Blob per buffer, reused by every upload of that buffer while its digest is the same.
 *
 * A `File` made from a Blob shares the Blob's memory, so the name and type cost nothing.
 *
 * @param digest `media.sha256` (or `mediaDigest(media.bytes)`), so a buffer changed after an earlier upload is not
 *   served from that upload's Blob.
 */
export async function uploadFile(media: UploadFileSource, digest: string): Promise<File> {
  const type = media.mimeType
  if (media.path !== undefined) {
    try {
      const blob = await openAsBlob(media.path, { type })
      if (blob.size === media.bytes.byteLength) return new File([blob], media.fileName, { type })
    } catch {
      // Gone or unreadable since it was validated: upload the bytes that were validated.
    }
  }
  let known = blobs.get(media.bytes)
  if (known?.digest !== digest) {
    known = { digest, blob: new Blob([media.bytes as Uint8Array<ArrayBuffer>], { type }) }
    blobs.set(media.bytes, known)
  }
  return new File([known.blob], media.fileName, { type })
}
