export { checkOutputIntegrity, type OutputIntegrityCheck } from './check-output-integrity.js'
export {
  createBytesOutput,
  createRemoteOutput,
  DOWNLOAD_RETRIES,
  OUTPUT_INTEGRITY_RULE,
  outputMimeType,
  type OutputDescription,
  type OutputOrigin,
} from './create-output.js'
export { isWriteFailure, outputWriteError } from './output-write-error.js'
export { temporaryPathFor, writeFileAtomic, type WritableFile, type WriteFileAtomicOptions } from './write-file-atomic.js'
