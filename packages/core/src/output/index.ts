export { createBytesOutput, createRemoteOutput, outputMimeType, type OutputDescription } from './create-output.js'
export { temporaryPathFor, writeFileAtomic } from './write-file-atomic.js'
