/** Digests being computed, by buffer: jobs handed the same buffer at the same time share one. */
const inFlight = new WeakMap<Uint8Array, Promise<string>>()

/**
 * SHA-256 of the bytes, in hex: the key under which an input is uploaded once (`SharedUploads`) and
 * decoded once (`loadMedia`). Computed by WebCrypto in Node's thread pool, so hashing a large input
 * does not hold up the event loop. WebCrypto hashes a copy of the bytes, so calls for the same
 * buffer while one is running share it (200 jobs started at once with one buffer make one copy);
 * a later call hashes again, in case the buffer changed meanwhile.
 */
export function mediaDigest(bytes: Uint8Array): Promise<string> {
  let digest = inFlight.get(bytes)
  if (digest === undefined) {
    digest = crypto.subtle
      .digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)
      .then((hash) => Buffer.from(hash).toString('hex'))
      .finally(() => inFlight.delete(bytes))
    inFlight.set(bytes, digest)
  }
  return digest
}
