/**
 * The PortraitAnimator specification: types only, no runtime code.
 * @module
 */
export type { PortraitAnimator } from './animator.js'
export type { CallOptions, ProgressEvent, ProgressPhase } from './call-options.js'
export type { CompareEntry } from './compare-entry.js'
export type { Capabilities, InputLimits, MediaLimits } from './capabilities.js'
export type { Cost, CostEstimate } from './cost.js'
export type { ErrorKind } from './error-kind.js'
export type { CompletedJobStatus, FailedJobStatus, JobHandle, JobStatus, JsonValue, PendingJobStatus } from './job.js'
export type { Lifecycle } from './lifecycle.js'
export type { AnimatorProvider, AnimatorProviderFactory, ProviderSettings } from './provider.js'
export type { AudioFormat, ImageFormat, MediaFormat, MediaInput, MediaRole, VideoFormat } from './media-input.js'
export type {
  AnimationRequest,
  AudioMotion,
  DrivingVideoMotion,
  Expression,
  ExpressionControl,
  ExpressionMotion,
  Framing,
  Motion,
  MotionType,
  OutputFormat,
  OutputKind,
  OutputWish,
  PresetMotion,
  PresetName,
} from './request.js'
export type { AnimationOutput, AnimationResult, Attempt, SavedOutput, Timings } from './result.js'
export type { Warning } from './warning.js'
