/** Provider name used on results, errors and events. */
export const AILAB_PROVIDER = 'ailab'

/** The router's model id for Live Photos. */
export const AILAB_LIVE_PHOTO_MODEL = 'live-photo'

/** `provider/model`, as targets are named everywhere. */
export const AILAB_LIVE_PHOTO_TARGET = `${AILAB_PROVIDER}/${AILAB_LIVE_PHOTO_MODEL}`

/** AILabTools' public API host. */
export const AILAB_DEFAULT_BASE_URL = 'https://www.ailabapi.com'

/** The Live Photos endpoint, relative to the base URL. */
export const AILAB_LIVE_PHOTO_PATH = 'api/portrait/effects/live-photo'

/** The header that carries the key. */
export const AILAB_KEY_HEADER = 'ailabapi-api-key'

/** The environment variable the key defaults to. */
export const AILAB_KEY_VARIABLE = 'AILAB_API_KEY'

/**
 * Default deadline of one call: the endpoint is synchronous and answers only when the video is
 * rendered, so the wait is long.
 */
export const AILAB_DEFAULT_TIMEOUT_MS = 120_000
