import { mkdir, mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { expectAnimatorError } from '../testing/index.js'
import { createBytesOutput } from './create-output.js'
import { encodeMp4 } from './output-fixtures.test-helpers.js'
import { listRecoveredOutputs, restoreRecoveredOutput } from './recovered-outputs.js'
import { saveWithRecovery } from './save-with-recovery.js'

describe('saveWithRecovery', () => {
  it('keeps an output that cannot be written where asked, says where, and restores it later', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pa-recover-'))
    const mp4 = await encodeMp4()
    const output = createBytesOutput({ kind: 'video', format: 'mp4', bytes: mp4, provider: 'fal' })
    const target = join(dir, 'taken.mp4')
    // A folder where the file should go: fails at write time, after the (paid) job.
    await mkdir(target)
    const recoveryDir = join(dir, 'state', 'recovered')
    const error = await expectAnimatorError(saveWithRecovery(output, target, { recoveryDir, details: { servedBy: 'fal/live-portrait' } }))
    expect(error).toMatchObject({ kind: 'output_failed', providerCode: 'EISDIR' })
    const [kept] = await listRecoveredOutputs(recoveryDir)
    expect(kept).toMatchObject({ intendedPath: target, format: 'mp4', details: { servedBy: 'fal/live-portrait' } })
    expect(error.message).toBe(`Could not write ${target}: a folder is in the way (EISDIR). The paid output was kept in ${kept!.media}; "portrait-animator resume" moves it into place once there is room.`)
    expect(await readFile(kept!.media!)).toEqual(mp4)

    const elsewhere = { ...kept!, intendedPath: join(dir, 'live.mp4') }
    await restoreRecoveredOutput(elsewhere)
    expect(await readFile(join(dir, 'live.mp4'))).toEqual(mp4)
    expect(await listRecoveredOutputs(recoveryDir)).toEqual([])
  })
})
