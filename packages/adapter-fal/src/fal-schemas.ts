import { z } from 'zod'

/** What `POST queue.fal.run/<endpoint>` answers. The URLs in it are never followed. */
export const falSubmitResponseSchema = z.looseObject({
  request_id: z.string().min(1),
  queue_position: z.number().optional(),
})

/** One log line of a queue status. */
export const falLogSchema = z.looseObject({
  message: z.string(),
  level: z.string().optional(),
  timestamp: z.string().optional(),
})

/** A queue status, polled or streamed. Unknown fields are tolerated. */
export const falQueueStatusSchema = z.looseObject({
  status: z.enum(['IN_QUEUE', 'IN_PROGRESS', 'COMPLETED']),
  queue_position: z.number().optional(),
  logs: z.array(falLogSchema).nullish(),
  metrics: z.looseObject({ inference_time: z.number().nullish() }).nullish(),
  error: z.string().nullish(),
  error_type: z.string().nullish(),
})

/** A queue status as the adapter uses it. */
export type FalQueueStatus = z.output<typeof falQueueStatusSchema>

/** fal's `File` (and `Image`) output object. */
export const falFileSchema = z.looseObject({
  url: z.string().min(1),
  content_type: z.string().nullish(),
  file_name: z.string().nullish(),
  file_size: z.number().nullish(),
  width: z.number().nullish(),
  height: z.number().nullish(),
})

/** A `File` output as the adapter uses it. */
export type FalFile = z.output<typeof falFileSchema>

/** Output of `fal-ai/live-portrait` and `fal-ai/sadtalker`. */
export const falVideoOutputSchema = z.looseObject({ video: falFileSchema })

/** Output of `fal-ai/live-portrait/image`. */
export const falImageOutputSchema = z.looseObject({ image: falFileSchema })

/**
 * Output of fal's talking-avatar endpoints (`fal-ai/kling-video/ai-avatar/v2/*`,
 * `fal-ai/bytedance/omnihuman/v1.5`): the video and its duration in seconds, which the price is per.
 */
export const falAvatarOutputSchema = z.looseObject({ video: falFileSchema, duration: z.number().nonnegative().nullish() })
