import { FAL_AVATAR_AUDIO_LIMITS, FAL_AVATAR_IMAGE_LIMITS, falCapabilities } from './fal-capabilities.js'
import type { FalModelDefinition } from './fal-model.js'
import { falKlingAvatarOptionsSchema } from './fal-options.js'
import { falTalkingAvatar } from './fal-talking-avatar.js'

/**
 * `fal-ai/kling-video/ai-avatar/v2/standard`: Kuaishou's Kling AI Avatar v2 (Standard) makes the
 * portrait speak an audio clip; returns an MP4 as long as the speech. Inputs `image_url`,
 * `audio_url`, optional `prompt` (fal's API reference and `@fal-ai/client`'s endpoint types);
 * $0.0562 per second (its fal model page).
 */
export const falKlingAvatar: FalModelDefinition = falTalkingAvatar({
  modelId: 'kling-avatar-v2-standard',
  endpointId: 'fal-ai/kling-video/ai-avatar/v2/standard',
  capabilities: falCapabilities({
    outputs: ['video'],
    outputFormats: ['mp4'],
    motions: ['audio'],
    inputs: { image: FAL_AVATAR_IMAGE_LIMITS, audio: FAL_AVATAR_AUDIO_LIMITS },
  }),
  optionsSchema: falKlingAvatarOptionsSchema,
  price: { usdPerSecond: 0.0562, source: 'https://fal.ai/models/fal-ai/kling-video/ai-avatar/v2/standard' },
})
