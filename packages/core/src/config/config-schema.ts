import { z } from 'zod'
import { CONFIG_DEFAULTS } from './config-defaults.js'

const { retry, breaker } = CONFIG_DEFAULTS

/** `env:NAME` reads the key from the environment at load time; anything else is the key itself. */
const secretReference = z
  .string()
  .min(1)
  .describe('An API key, or better `env:NAME` to read it from the environment variable NAME when the config is loaded.')

const retrySchema = z
  .object({
    maxAttempts: z.number().int().min(1).max(10).optional().describe(`Tries per target, the first included. Default ${retry.maxAttempts}.`),
    baseDelayMs: z.number().int().min(0).max(60_000).optional().describe(`First backoff delay; doubles each retry, with full jitter. Default ${retry.baseDelayMs}.`),
    maxDelayMs: z.number().int().min(0).max(300_000).optional().describe(`Longest backoff delay. Default ${retry.maxDelayMs}.`),
    maxRetryAfterMs: z
      .number()
      .int()
      .min(0)
      .max(600_000)
      .optional()
      .describe(`Longest Retry-After honoured; a provider asking for more is left for the next target. Default ${retry.maxRetryAfterMs}.`),
  })
  .strict()

const limitsSchema = z
  .object({
    concurrency: z.number().int().min(1).max(1000).optional().describe('Calls in flight at once for this target.'),
    ratePerSecond: z.number().positive().max(1000).optional().describe('Calls started per second for this target (token bucket).'),
  })
  .strict()

const targetSettingsSchema = z
  .object({
    retry: retrySchema.optional(),
    limits: limitsSchema.optional(),
    timeoutMs: z.number().int().positive().optional().describe('Deadline for one attempt on this target.'),
  })
  .strict()

const targetId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*\/[a-z0-9][a-z0-9-]*$/, 'a target is "provider/model", e.g. "fal/live-portrait"')
  .describe('A target: a provider name from `providers`, a slash, and one of its models.')

const weightedTarget = z
  .object({
    target: targetId,
    weight: z.number().min(0).max(1_000_000).describe('Relative share of requests for this arm.'),
  })
  .strict()

const fallbackRoute = z
  .object({
    strategy: z.literal('fallback').describe('Try targets in order until one succeeds.'),
    targets: z.array(targetId).min(1),
  })
  .strict()

const splitRoute = z
  .object({
    strategy: z.literal('split').describe('Weighted A/B split with sticky assignment; the arm is recorded on the result.'),
    targets: z.array(weightedTarget).min(1),
    stickyBy: z.string().min(1).optional().describe('The request `context` key hashed for sticky assignment (e.g. "userId").'),
    fallback: z.boolean().optional().describe(`When the chosen arm fails, try the other arms in order. Default ${CONFIG_DEFAULTS.splitFallback}.`),
  })
  .strict()

const compareRoute = z
  .object({
    strategy: z.literal('compare').describe('Run every target and report every result; `animate` returns the first success in order.'),
    targets: z.array(targetId).min(1),
    concurrency: z.number().int().min(1).max(64).optional().describe(`Targets running at once. Default ${CONFIG_DEFAULTS.compareConcurrency}.`),
  })
  .strict()

const shadowRoute = z
  .object({
    strategy: z.literal('shadow').describe('Serve from `targets` (as fallback) and run `shadow` in the background, reporting both.'),
    targets: z.array(targetId).min(1),
    shadow: z.array(targetId).min(1),
  })
  .strict()

const routeSchema = z.discriminatedUnion('strategy', [fallbackRoute, splitRoute, compareRoute, shadowRoute])

const providerSchema = z
  .object({
    adapter: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/)
      .describe('The adapter: loads `@portrait-animator/adapter-<adapter>` (ailab, fal, magichour, replicate, local) unless a factory is passed in code.'),
    apiKey: secretReference.optional(),
    baseUrl: z.url({ protocol: /^https?$/ }).optional().describe('Where the provider API lives: an emulator, a proxy, a private deployment.'),
    settings: z.record(z.string(), z.unknown()).optional().describe('Adapter-specific settings, validated by the adapter.'),
  })
  .strict()

/** The router's configuration document. */
export const routerConfigSchema = z
  .object({
    $schema: z.string().optional(),
    providers: z.record(z.string().regex(/^[a-z0-9][a-z0-9-]*$/), providerSchema).describe('Provider entries by name.'),
    routes: z.record(z.string().min(1), routeSchema).describe('Named routes. `default` serves requests that name no route.'),
    motionRoutes: z
      .object({
        preset: z.string().optional(),
        expression: z.string().optional(),
        'driving-video': z.string().optional(),
        audio: z.string().optional(),
      })
      .strict()
      .optional()
      .describe('The route for requests that name none, by motion type. Unlisted motions use `default`.'),
    retry: retrySchema.optional().describe('Retry policy for every target unless a target overrides it.'),
    targets: z.record(targetId, targetSettingsSchema).optional().describe('Per-target settings: retries, limits, deadline.'),
    breaker: z
      .object({
        failureThreshold: z.number().int().min(1).max(1000).optional().describe(`Consecutive failures that open a target's breaker. Default ${breaker.failureThreshold}.`),
        cooldownMs: z.number().int().min(0).optional().describe(`How long an open breaker skips its target before one probe. Default ${breaker.cooldownMs}.`),
        retiredRecheckMs: z
          .number()
          .int()
          .min(0)
          .optional()
          .describe(`How long a remembered \`retired\` answer (per target and base URL) keeps its target skipped before it is called again. Default ${breaker.retiredRecheckMs} (7 days).`),
      })
      .strict()
      .optional(),
    timeouts: z
      .object({
        requestMs: z.number().int().positive().optional().describe(`Deadline for a whole request, every target included. Default ${CONFIG_DEFAULTS.requestTimeoutMs}.`),
        attemptMs: z.number().int().positive().optional().describe('Deadline for one attempt. Default: none (an attempt is bounded only by the request deadline).'),
      })
      .strict()
      .optional(),
    budget: z
      .object({ maxUsdPerRequest: z.number().min(0).describe('A target whose estimate is above this is not called.') })
      .strict()
      .optional(),
    unknownAcceptance: z
      .enum(['offline-only', 'continue', 'stop'])
      .optional()
      .describe(
        `When a paid target may have accepted a job whose answer was lost: \`offline-only\` continues only with free offline targets, \`continue\` tries the next targets anyway, \`stop\` fails the request. Default \`${CONFIG_DEFAULTS.unknownAcceptance}\`.`,
      ),
    fallbackOn: z
      .object({
        no_face: z.boolean().optional().describe(`Try the next target after \`no_face\`. Default ${CONFIG_DEFAULTS.fallbackOn.no_face}.`),
        content_policy: z.boolean().optional().describe(`Try the next target after \`content_policy\`. Default ${CONFIG_DEFAULTS.fallbackOn.content_policy}.`),
      })
      .strict()
      .optional(),
    stateDir: z
      .string()
      .optional()
      .describe('Folder for the job journal and remembered retirements (relative to the working directory). Default: `$PORTRAIT_ANIMATOR_STATE_DIR`, else the platform state folder (`$XDG_STATE_HOME/portrait-animator` or `~/.local/state/portrait-animator`; `~/Library/Application Support/portrait-animator` on macOS; `%LOCALAPPDATA%\\portrait-animator\\state` on Windows).'),
    journal: z.boolean().optional().describe(`Write async job handles to the journal before polling. Default ${CONFIG_DEFAULTS.journal}.`),
  })
  .strict()

/** The configuration document as written (before defaults). */
export type RouterConfig = z.input<typeof routerConfigSchema>
/** A validated configuration. */
export type ParsedRouterConfig = z.output<typeof routerConfigSchema>
/** One route of the configuration. */
export type RouteConfig = z.output<typeof routeSchema>
/** Retry settings. */
export type RetryConfig = z.output<typeof retrySchema>
/** Per-target settings. */
export type TargetSettings = z.output<typeof targetSettingsSchema>
