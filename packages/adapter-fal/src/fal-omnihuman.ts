import { FAL_AVATAR_AUDIO_LIMITS, FAL_AVATAR_IMAGE_LIMITS, falCapabilities } from './fal-capabilities.js'
import type { FalModelDefinition } from './fal-model.js'
import { falOmniHumanOptionsSchema } from './fal-options.js'
import { falTalkingAvatar } from './fal-talking-avatar.js'

/** fal: "Audio must be under 30s long for 1080p generation and under 60s long for 720p generation". */
const MAX_AUDIO_SECONDS = { '1080p': 30, '720p': 60 } as const

/**
 * `fal-ai/bytedance/omnihuman/v1.5`: ByteDance's OmniHuman 1.5 makes the portrait speak an audio
 * clip, with gestures; returns an MP4 as long as the speech. Inputs `image_url`, `audio_url`,
 * optional `prompt`, `resolution` (`720p` | `1080p`, default 1080p) and `turbo_mode` (fal's API
 * reference and `@fal-ai/client`'s endpoint types); $0.16 per second (fal's OmniHuman 1.5 guide).
 */
export const falOmniHuman: FalModelDefinition = falTalkingAvatar({
  modelId: 'omnihuman-v1-5',
  endpointId: 'fal-ai/bytedance/omnihuman/v1.5',
  capabilities: falCapabilities({
    outputs: ['video'],
    outputFormats: ['mp4'],
    motions: ['audio'],
    // The longest speech at any resolution; 1080p (the default) takes 30 s, which fal checks.
    inputs: { image: FAL_AVATAR_IMAGE_LIMITS, audio: { ...FAL_AVATAR_AUDIO_LIMITS, maxDurationSeconds: MAX_AUDIO_SECONDS['720p'] } },
  }),
  optionsSchema: falOmniHumanOptionsSchema,
  price: { usdPerSecond: 0.16, source: 'https://fal.ai/learn/devs/omnihuman-15-user-guide' },
  maxAudioSeconds: (options) => MAX_AUDIO_SECONDS[options.resolution === '720p' ? '720p' : '1080p'],
})
