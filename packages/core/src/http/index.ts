export { createHttpClient, DEFAULT_CONNECTIONS_PER_ORIGIN, type HttpClient, type HttpClientOptions, type HttpRequestOptions, type HttpResponse } from './http-client.js'
export { networkError, networkErrorCode } from './network-error.js'
export { parseRetryAfter } from './retry-after.js'
