import { resolve } from 'node:path'
import type { MediaInput } from '../spec/index.js'
import { decodeDataUri } from './data-uri.js'
import { describeUrl } from './describe-url.js'
import { downloadMedia } from './download-media.js'
import type { LoadMediaOptions, MediaSource } from './loaded-media.js'
import { maxBytesError, mediaError } from './media-error.js'
import { readMediaFile } from './read-media-file.js'
import { urlBaseName } from './safe-file-name.js'

/** The raw bytes of an input, before any format check. */
export interface RawMedia {
  readonly bytes: Uint8Array
  readonly source: MediaSource
  /** A name to derive `fileName` from (path basename, URL basename, `File.name`). */
  readonly name?: string
  readonly url?: string
  /** The local file, when `source` is `path`. */
  readonly path?: string
}

/**
 * The bytes of each Blob read so far: a Blob cannot change, so many jobs given the same Blob share
 * one copy of its bytes instead of one each. Held as long as the Blob is.
 */
const blobReads = new WeakMap<Blob, Promise<Uint8Array>>()

function blobBytes(blob: Blob): Promise<Uint8Array> {
  let read = blobReads.get(blob)
  if (read === undefined) {
    read = blob.arrayBuffer().then((buffer) => new Uint8Array(buffer))
    read.catch(() => blobReads.delete(blob))
    blobReads.set(blob, read)
  }
  return read
}

/** Schemes that make a string a URL rather than a relative path, even without `//`. */
const URL_SCHEMES = new Set(['file', 'ftp', 'ftps', 'javascript', 'blob', 'about', 'ws', 'wss', 'gopher', 'ldap', 'mailto', 'vbscript', 'chrome', 'sftp', 'smb', 'ssh', 'tel'])
const SCHEME = /^([a-z][a-z0-9+.-]+):/i

/**
 * Reads any `MediaInput` into memory: a path (`stat` first), an `http(s)` URL (checked and
 * streamed with a cap), a `data:` URI, bytes, an `ArrayBuffer` or a `Blob`. Nothing about the
 * content is checked here.
 */
export async function readMediaInput(input: MediaInput, options: LoadMediaOptions & { readonly maxBytes: number }): Promise<RawMedia> {
  const { field, maxBytes } = options
  if (typeof input === 'string') return readString(input, options)
  if (input instanceof URL) return readUrl(input, options)
  if (input instanceof Uint8Array) {
    if (input.byteLength > maxBytes) throw maxBytesError(field, maxBytes, input.byteLength, 'the data')
    return { bytes: input, source: 'bytes' }
  }
  if (input instanceof ArrayBuffer) {
    if (input.byteLength > maxBytes) throw maxBytesError(field, maxBytes, input.byteLength, 'the data')
    return { bytes: new Uint8Array(input), source: 'bytes' }
  }
  if (typeof Blob !== 'undefined' && input instanceof Blob) {
    if (input.size > maxBytes) throw maxBytesError(field, maxBytes, input.size, 'the blob')
    const name = (input as Partial<File>).name
    const bytes = await blobBytes(input)
    return typeof name === 'string' && name !== '' ? { bytes, source: 'blob', name } : { bytes, source: 'blob' }
  }
  throw mediaError({
    field,
    rule: 'input-type',
    limit: 'a path, http(s) URL, data: URI, Uint8Array, ArrayBuffer or Blob',
    actual: describeValueType(input),
    problem: `${describeValueType(input)} is not a media input`,
  })
}

async function readString(input: string, options: LoadMediaOptions & { readonly maxBytes: number }): Promise<RawMedia> {
  const text = input.trim()
  if (text === '') {
    throw mediaError({
      field: options.field,
      rule: 'input-type',
      limit: 'a path, http(s) URL, data: URI, Uint8Array, ArrayBuffer or Blob',
      actual: 'an empty string',
      problem: 'an empty string is not a media input',
    })
  }
  if (/^data:/i.test(text)) return { bytes: decodeDataUri(text, options.field, options.maxBytes), source: 'data-uri' }
  const scheme = SCHEME.exec(text)?.[1]?.toLowerCase()
  if (scheme !== undefined && (text.slice(scheme.length + 1).startsWith('//') || URL_SCHEMES.has(scheme) || scheme === 'http' || scheme === 'https')) {
    let url: URL
    try {
      url = new URL(text)
    } catch (cause) {
      throw mediaError({
        field: options.field,
        rule: 'url-scheme',
        limit: 'http: or https:',
        actual: 'not a valid URL',
        problem: `"${describeUrl(text)}" is not a valid URL`,
        cause,
      })
    }
    return readUrl(url, options)
  }
  // Paths keep their exact spelling: a file name may really end in a space.
  const name = input.split(/[\\/]/).pop()
  const bytes = await readMediaFile(input, options.field, options.maxBytes, options.signal)
  const path = resolve(input)
  return name === undefined || name === '' ? { bytes, source: 'path', path } : { bytes, source: 'path', name, path }
}

async function readUrl(url: URL, options: LoadMediaOptions & { readonly maxBytes: number }): Promise<RawMedia> {
  if (url.protocol === 'data:') return { bytes: decodeDataUri(url.href, options.field, options.maxBytes), source: 'data-uri' }
  const { bytes, finalUrl } = await downloadMedia(url, {
    field: options.field,
    maxBytes: options.maxBytes,
    ...(options.allowPrivateNetwork === undefined ? {} : { allowPrivateNetwork: options.allowPrivateNetwork }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  })
  // `/download?id=7` redirecting to `/files/portrait.jpg`: the final name says more.
  const original = urlBaseName(url)
  const final = urlBaseName(finalUrl)
  const name = original !== undefined && (original.includes('.') || final === undefined || !final.includes('.')) ? original : final
  return name === undefined ? { bytes, source: 'url', url: url.href } : { bytes, source: 'url', url: url.href, name }
}

function describeValueType(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') {
    const name = (value as object).constructor?.name
    return name && name !== 'Object' ? `a ${name}` : 'a plain object'
  }
  return `a ${typeof value}`
}
