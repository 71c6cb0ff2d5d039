import { PortraitAnimatorError, type PortraitAnimatorErrorOptions } from '@portrait-animator/core/light'

/** Provider name of the offline animator, as it appears in targets (`local/warp`), errors and results. */
export const LOCAL_PROVIDER = 'local'
/** Model id of the mesh-warp animator. */
export const LOCAL_MODEL_ID = 'warp'
/** Target id (`provider/model`). */
export const LOCAL_TARGET = `${LOCAL_PROVIDER}/${LOCAL_MODEL_ID}`

/** A `PortraitAnimatorError` stamped with this provider and model. */
export function localError(options: Omit<PortraitAnimatorErrorOptions, 'provider' | 'modelId'>): PortraitAnimatorError {
  return new PortraitAnimatorError({ ...options, provider: LOCAL_PROVIDER, modelId: LOCAL_MODEL_ID })
}

/** An `invalid_input` error about one request field. */
export function invalidInput(
  field: string,
  rule: string,
  message: string,
  extra: Pick<PortraitAnimatorErrorOptions, 'limit' | 'actual' | 'cause'> = {},
): PortraitAnimatorError {
  return localError({ kind: 'invalid_input', field, rule, message, ...extra })
}
