/** The path AILabTools clients call. */
export const LIVE_PHOTO_PATH = '/api/portrait/effects/live-photo'

/**
 * Every AILab error code the server answers, by HTTP status: `error_code` and
 * `error_detail.status_code` equal the status, `error_code_str` and `error_detail.code` hold the code.
 */
export const AILAB_ERROR_CODES: Readonly<Record<number, readonly string[]>> = {
  400: ['ERROR_PARAMETERS', 'MISSING_PARAMETERS', 'ERROR_INVALID_PARAMETER'],
  401: ['ERROR_USER_NOT_EXISTS'],
  404: ['ERROR_RESOURCE_NOT_FOUND'],
  405: ['ERROR_ILLEGAL_OPERATION'],
  408: ['ERROR_REQUEST_TIMEOUT'],
  413: ['FILE_SIZE_EXCEEDS_LIMIT'],
  415: ['UNSUPPORTED_FILE_TYPES'],
  422: ['UNSUPPORTED_PARAMETER_VALUES', 'ERROR_NO_FACE_IN_FILE', 'ERROR_CONTENT_NON_COMPLIANCE', 'FILE_RESOLUTION_EXCEEDS_LIMITS'],
  499: ['ERROR_TASK_STOPPED_PROCESSING'],
  500: ['SERVICE_INTERNAL_ERROR', 'AI_SERVICE_ERROR'],
  503: ['AI_SERVICE_FLOW_RESTRICTION'],
  504: ['AI_SERVICE_TIMEOUT'],
}

const ERROR_DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: 'The body is not multipart/form-data, `image_target` is missing, or a parameter is invalid.',
  401: 'Missing or unknown `ailabapi-api-key`.',
  404: 'No such endpoint.',
  405: 'The endpoint takes POST only.',
  408: 'The body did not arrive within the body timeout, or arrived slower than the minimum rate; the connection is closed.',
  413: 'The request or image is larger than allowed.',
  415: '`image_target` is not a complete JPEG, PNG or BMP image.',
  422: '`type` is not 0 or 1, no face was found, the content was refused, or the resolution is out of bounds.',
  499: 'The request was cancelled.',
  500: 'The service failed (every target behind it failed); try again later.',
  503: 'Too many requests at once, an upstream rate limit, or the server is shutting down; retry shortly.',
  504: 'The request took longer than its deadline.',
}

/** What the document says about this server's limits. */
export interface OpenApiLimits {
  /** Largest request body accepted, in bytes. */
  readonly maxBodyBytes: number
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const json = (schema: object, description: string) => ({ description, content: { 'application/json': { schema } } })

/**
 * The OpenAPI 3.1 document of the AILab-compatible server (`GET /openapi.json`): the live-photo
 * endpoint's multipart fields, its response envelope and every error code, plus the operational
 * endpoints. AILab clients can generate a client from it or check theirs against it.
 */
export function openApiDocument(limits: OpenApiLimits): Record<string, unknown> {
  const errors = Object.fromEntries(
    Object.entries(AILAB_ERROR_CODES).map(([status, codes]) => [
      status,
      json({ allOf: [ref('ErrorEnvelope'), { properties: { error_code: { const: Number(status) }, error_code_str: { enum: codes }, error_detail: { properties: { status_code: { const: Number(status) }, code: { enum: codes } } } } }] }, ERROR_DESCRIPTIONS[Number(status)] ?? 'An error.'),
    ]),
  )
  return {
    openapi: '3.1.0',
    info: {
      title: 'portrait-animator: AILabTools-compatible Live Photos API',
      version: '0.1.0',
      description: 'The retired AILabTools "Live Photos" endpoint, served through the portrait-animator router. Apps built on it move by changing only their base URL.',
    },
    paths: {
      [LIVE_PHOTO_PATH]: {
        post: {
          operationId: 'livePhoto',
          summary: 'Animate a portrait into a short live-photo video (MP4, base64 in the envelope).',
          security: [{ ailabApiKey: [] }],
          requestBody: {
            required: true,
            description: `multipart/form-data, at most ${limits.maxBodyBytes} bytes in all.`,
            content: {
              'multipart/form-data': {
                schema: ref('LivePhotoRequest'),
                encoding: { image_target: { contentType: 'image/jpeg, image/png, image/bmp' } },
              },
            },
          },
          responses: { 200: json(ref('SuccessEnvelope'), 'The video, base64-encoded MP4 in `data.video`.'), ...errors },
        },
      },
      '/healthz': { get: { operationId: 'liveness', summary: 'Liveness: 200 whenever the process answers.', responses: { 200: json(ref('Liveness'), 'The process answers.') } } },
      '/readyz': {
        get: {
          operationId: 'readiness',
          summary: 'Readiness: 200 when at least one target of the served route can run, else 503 with the reason.',
          responses: { 200: json(ref('Readiness'), 'Ready.'), 503: json(ref('Readiness'), 'Not ready, or shutting down.') },
        },
      },
      '/metrics': { get: { operationId: 'metrics', summary: 'Prometheus metrics (text exposition format).', responses: { 200: { description: 'Metrics.', content: { 'text/plain': { schema: { type: 'string' } } } } } } },
      '/openapi.json': { get: { operationId: 'openapi', summary: 'This document.', responses: { 200: json({ type: 'object' }, 'The OpenAPI document.') } } },
    },
    components: {
      securitySchemes: { ailabApiKey: { type: 'apiKey', in: 'header', name: 'ailabapi-api-key', description: 'One of the server\'s own keys (--api-key), never an upstream provider\'s.' } },
      schemas: schemas(),
    },
  }
}

function schemas(): Record<string, unknown> {
  const envelopeFields = {
    request_id: { type: 'string' },
    log_id: { type: 'string' },
    error_code: { type: 'integer', description: '0 on success, else the HTTP status.' },
    error_code_str: { type: 'string', description: 'Empty on success, else the error code.' },
    error_msg: { type: 'string' },
    error_detail: ref('ErrorDetail'),
  }
  const envelopeRequired = Object.keys(envelopeFields)
  return {
    LivePhotoRequest: {
      type: 'object',
      required: ['image_target'],
      properties: {
        image_target: { type: 'string', contentMediaType: 'application/octet-stream', description: 'The portrait: JPEG, PNG or BMP, at most 5 MB, under 4096x4096 pixels.' },
        type: { type: 'string', enum: ['0', '1'], default: '0', description: '0: head (a nod and a smile), 1: full body.' },
      },
    },
    ErrorDetail: {
      type: 'object',
      required: ['status_code', 'code', 'code_message', 'message'],
      properties: { status_code: { type: 'integer' }, code: { type: 'string' }, code_message: { type: 'string' }, message: { type: 'string', description: 'What the client can do about it; never which upstream targets were tried.' } },
    },
    SuccessEnvelope: {
      type: 'object',
      required: [...envelopeRequired, 'data'],
      properties: {
        ...envelopeFields,
        error_code: { const: 0 },
        data: { type: 'object', required: ['video'], properties: { video: { type: 'string', contentEncoding: 'base64', contentMediaType: 'video/mp4' } } },
      },
    },
    ErrorEnvelope: { type: 'object', required: envelopeRequired, properties: envelopeFields },
    Liveness: { type: 'object', required: ['ok'], properties: { ok: { const: true }, inFlight: { type: 'integer' } } },
    Readiness: {
      type: 'object',
      required: ['ok', 'ready'],
      properties: {
        ok: { type: 'boolean' },
        ready: { type: 'boolean' },
        reason: { type: 'string' },
        route: { type: 'string' },
        inFlight: { type: 'integer' },
        targets: { type: 'array', items: { type: 'object', required: ['target', 'state'], properties: { target: { type: 'string' }, state: { enum: ['ready', 'unconfigured', 'retired', 'breaker-open', 'unsupported'] } } } },
      },
    },
  }
}
