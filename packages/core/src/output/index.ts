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
export { checkOutputPath, DEFAULT_MIN_FREE_BYTES, type CheckedOutputPath, type CheckOutputPathOptions } from './check-output-path.js'
export { OUTPUT_EXTENSIONS, outputKindOf } from './output-extensions.js'
export { listRecoveredOutputs, restoreRecoveredOutput, type RecoveredOutput, type RecoveredOutputRecord } from './recovered-outputs.js'
export { saveWithRecovery, type SaveWithRecoveryOptions } from './save-with-recovery.js'
