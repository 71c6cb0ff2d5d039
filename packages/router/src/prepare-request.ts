import { PortraitAnimatorError, assertPublicUrl, checkMediaLimits, isRemoteUrl, loadMedia, type AnimationRequest, type LoadedMedia, type MediaInput, type MediaLimits, type MediaRole, type PortraitAnimator } from '@portrait-animator/core'

/** A request whose local media were read and checked once, so every target reuses the same loaded media. */
export interface PreparedRequest {
  readonly request: AnimationRequest
  /** Checks one target's input limits; returns the `invalid_input` error when they reject the request. */
  rejection(animator: PortraitAnimator): PortraitAnimatorError | undefined
}

interface MediaSlot {
  readonly field: string
  readonly role: MediaRole
  readonly media?: LoadedMedia
}

/** Options of `prepareRequest`. */
export interface PrepareRequestOptions {
  readonly signal?: AbortSignal
  readonly allowPrivateNetwork?: boolean
  /**
   * The largest image any target accepts, in pixels: a bigger header is refused before the image
   * is decoded (decoding costs time in proportion to the pixels).
   * @default DEFAULT_MAX_PIXELS
   */
  readonly maxImagePixels?: number
}

/**
 * Reads the request's local media (paths, bytes, Blobs, data URIs) once and checks URLs are
 * public, so a bad input fails with `invalid_input` before any target is called and each target's
 * limits can be checked without reading the file again.
 */
export async function prepareRequest(request: AnimationRequest, options: PrepareRequestOptions = {}): Promise<PreparedRequest> {
  const slots: MediaSlot[] = []
  async function prepare(input: MediaInput, field: string, role: MediaRole): Promise<MediaInput> {
    if (isRemoteUrl(input)) {
      await assertPublicUrl(input instanceof URL ? input : String(input), { field, ...(options.allowPrivateNetwork ? { allowPrivateNetwork: true } : {}) })
      slots.push({ field, role })
      return input
    }
    const media = await loadMedia(input, {
      field,
      expect: role,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(role === 'image' && options.maxImagePixels !== undefined ? { maxPixels: options.maxImagePixels } : {}),
    })
    slots.push({ field, role, media })
    // The loaded object itself: each target's loadMedia reuses it instead of reading and decoding again.
    return media
  }
  const image = await prepare(request.image, 'image', 'image')
  let motion = request.motion
  if (motion.type === 'audio') motion = { ...motion, audio: await prepare(motion.audio, 'motion.audio', 'audio') }
  if (motion.type === 'driving-video') motion = { ...motion, video: await prepare(motion.video, 'motion.video', 'video') }
  const prepared: AnimationRequest = { ...request, image, motion }
  return {
    request: prepared,
    rejection(animator) {
      for (const slot of slots) {
        if (!slot.media) continue
        const limits = animator.capabilities.inputs[slot.role] as MediaLimits | undefined
        try {
          checkMediaLimits(slot.media, limits, slot.field)
        } catch (error) {
          if (PortraitAnimatorError.isInstance(error)) return error
          throw error
        }
      }
      return undefined
    },
  }
}
