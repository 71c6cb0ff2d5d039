/**
 * @portrait-animator/adapter-local: the offline default animator. Face landmarks with Human on the
 * tfjs wasm backend, a triangle-mesh warp, MP4/WebP/JPEG/PNG output. No key, no network.
 * @module
 */
export { createLocal, type LocalProvider, type LocalSettings } from './create-local.js'
export { createProvider } from './local-provider.js'
export { createLocalWarpAnimator, type LocalWarpSettings } from './local-warp-animator.js'
export { LOCAL_WARP_CAPABILITIES, MAX_OUTPUT_SIDE } from './local-capabilities.js'
export { LOCAL_MODEL_ID, LOCAL_PROVIDER, LOCAL_TARGET } from './local-errors.js'
export { ANGLE_LIMITS, type LocalProviderOptions } from './plan-request.js'
export { renderPreset, type RenderPresetOptions } from './render-preset.js'
export type { RenderedAnimation } from './render-animation.js'
export { describeFace, descriptorSimilarity, faceSimilarity, type FaceImage } from './face-similarity.js'
export type { DetectedFace, FaceBox, RawImage } from './face-landmarks.js'
export { detectFaces } from './face-landmarks.js'
export { eyeOpenness } from './eye-openness.js'
export { PRESET_SECONDS, presetFace, type FaceState } from './motion-curves.js'
export type { NoFaceBehaviour } from './prepare-portrait.js'
export { loadHumanRuntime } from './human-runtime.js'
export { loadTinyH264, PIC_READY, type TinyH264Module } from './tinyh264-module.js'
