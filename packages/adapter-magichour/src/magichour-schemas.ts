import { z } from 'zod'

/*
 * Tolerant schemas for Magic Hour responses. SDK 0.43.1 parses responses with strict schemas that
 * REQUIRE deprecated keys (`estimated_frame_cost`, `total_frame_cost`, `download`); the live API may
 * drop them at any time (providers.md §3.7, gotcha 4). These schemas require only what this adapter
 * uses, accept `null` wherever a value may be missing, and keep unknown keys.
 */

/** A project id: it goes into URL paths, so nothing but letters, digits, `_` and `-`. */
export const projectIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,200}$/, 'a Magic Hour project id (letters, digits, _ and -)')

/** `POST /v1/ai-talking-photo` and `POST /v1/image-to-video` answer. */
export const createdProjectSchema = z.looseObject({
  id: projectIdSchema,
  /** An estimate at 30 fps, corrected on completion. */
  credits_charged: z.number().nullish(),
  /** Deprecated; tolerated, never required. */
  estimated_frame_cost: z.number().nullish(),
})
export type CreatedProject = z.output<typeof createdProjectSchema>

const downloadSchema = z.looseObject({
  url: z.string().min(1),
  expires_at: z.string().nullish(),
})
export type ProjectDownload = z.output<typeof downloadSchema>

/** `GET /v1/video-projects/{id}` answer (also the webhook `payload`). */
export const projectSchema = z.looseObject({
  id: z.string().min(1),
  /** `draft`, `queued`, `rendering`, `complete`, `error`, `canceled`; unknown values are treated as still running. */
  status: z.string().min(1),
  type: z.string().nullish(),
  name: z.string().nullish(),
  credits_charged: z.number().nullish(),
  error: z
    .looseObject({
      code: z.string().nullish(),
      message: z.string().nullish(),
    })
    .nullish(),
  downloads: z.array(downloadSchema).nullish(),
  /** Deprecated single download; used only when `downloads` is empty or missing. */
  download: downloadSchema.nullish(),
  width: z.number().nullish(),
  height: z.number().nullish(),
  fps: z.number().nullish(),
  start_seconds: z.number().nullish(),
  end_seconds: z.number().nullish(),
  created_at: z.string().nullish(),
  enabled: z.boolean().nullish(),
  /** Deprecated; tolerated, never required. */
  total_frame_cost: z.number().nullish(),
})
export type MagicHourProject = z.output<typeof projectSchema>

/** `POST /v1/files/upload-urls` answer: one item per requested file, in request order. */
export const uploadUrlsSchema = z.looseObject({
  items: z.array(
    z.looseObject({
      upload_url: z.string().min(1),
      file_path: z.string().min(1),
      expires_at: z.string().nullish(),
    }),
  ),
})
export type UploadUrl = z.output<typeof uploadUrlsSchema>['items'][number]

/** Every 4xx body: `{"message": "..."}`. */
export const errorBodySchema = z.looseObject({ message: z.string().optional() })

/** The first usable download of a project: `downloads[0]`, else the deprecated `download`. */
export function firstDownload(project: MagicHourProject): ProjectDownload | undefined {
  return project.downloads?.[0] ?? project.download ?? undefined
}
