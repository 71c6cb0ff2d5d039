/**
 * SHA-256 of the bytes, in hex: the key under which an input is uploaded once (`SharedUploads`) and
 * decoded once (`loadMedia`). Computed by WebCrypto in Node's thread pool, so hashing a large input
 * does not hold up the event loop.
 */
export async function mediaDigest(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)
  return Buffer.from(digest).toString('hex')
}
