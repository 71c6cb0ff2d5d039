import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { extensionOf, saveWithRecovery, toPortraitAnimatorError, writeFileAtomic, type CompareEntry } from '@portrait-animator/core'
import { relativeHref } from './html-escape.js'
import { createIdentityScorer } from './identity-similarity.js'
import { INPUTS_FOLDER, MEDIA_FOLDER, outputFileName, uniqueFileName } from './media-names.js'
import { measureOutput, type InputAudio } from './output-figures.js'
import { REPORT_SCHEMA_VERSION, type ReportDocument, type ReportImage, type ReportOutput, type ReportResult } from './report-document.js'
import { renderReportHtml } from './report-html.js'
import { reportJsonText, reportResult } from './report-json.js'
import { summarizeTargets } from './report-summary.js'

/** File names of the report inside its folder. */
export const REPORT_HTML = 'report.html'
export const REPORT_JSON = 'report.json'

/** Settings of a comparison report. */
export interface ComparisonReportOptions {
  /** The report's folder; created when missing. Outputs go to `media/`, input copies to `inputs/`. */
  readonly directory: string
  /** Target ids, in column order. */
  readonly targets: readonly string[]
  /** What was asked, in words (`preset live-photo (head)`). */
  readonly motion: string
  readonly route?: string
  /**
   * Embed every image and video in `report.html` as a data URI, so the page alone is the whole
   * report (larger, slower to open). The files are written to `media/` and `inputs/` either way.
   * @default false
   */
  readonly inline?: boolean
  /** Measure identity similarity (loads Human's face models on first use). @default true */
  readonly identity?: boolean
  /** Frames decoded at most per output for motion energy. @default 300 */
  readonly maxFrames?: number
  /** Chromium for videos tinyh264 cannot decode (High/Main profile, VP9, ...): a path, or `false` for none. @default findChromium() */
  readonly chromium?: string | false
  /** Clock for `generatedAt`. @default () => new Date() */
  readonly now?: () => Date
  /** Where a paid output that cannot be saved (disk full) is kept instead of lost, e.g. `<stateDir>/recovered`. */
  readonly recoveryDir?: string
}

/** An input image as read by `loadMedia`. */
export interface ReportInput {
  readonly bytes: Uint8Array
  /** A safe file name with the right extension (`LoadedMedia.fileName`). */
  readonly fileName: string
  readonly mimeType: string
  readonly width?: number
  readonly height?: number
}

/** Options of `ComparisonReport.addImage`. */
export interface AddImageOptions {
  readonly signal?: AbortSignal
  /** What was asked for this image, in words. @default the report's `motion` */
  readonly motion?: string
  /** The input audio of an audio-driven motion, and the part asked for: the outputs' audio figure compares against it. */
  readonly audio?: InputAudio
}

/** Where `write()` put the report. */
export interface WrittenReport {
  readonly htmlPath: string
  readonly jsonPath: string
  readonly document: ReportDocument
}

/**
 * A comparison report built one image at a time: `addImage` saves each target's output next to the
 * report and measures it, `write` (re)writes `report.json` and `report.html`, so a long run
 * interrupted half-way still leaves a report of what finished.
 *
 * @example
 * ```ts
 * const report = new ComparisonReport({ directory: 'out/report', targets, motion: 'preset live-photo' })
 * await report.addImage('me.jpg', loaded, await router.compare(request, { targets }))
 * const { htmlPath } = await report.write()
 * ```
 */
export class ComparisonReport {
  private readonly images: ReportImage[] = []
  private readonly takenInputNames = new Set<string>()
  private readonly mimeTypes = new Map<string, string>()

  constructor(private readonly options: ComparisonReportOptions) {}

  /** Copies the input, saves and measures every target's output, and adds the row. */
  async addImage(source: string, input: ReportInput, entries: readonly CompareEntry[], callOptions: AddImageOptions = {}): Promise<ReportImage> {
    const inputName = uniqueFileName(input.fileName, this.takenInputNames)
    const inputPath = `${INPUTS_FOLDER}/${inputName}`
    await writeFileAtomic(join(this.options.directory, inputPath), input.bytes, callOptions)
    this.mimeTypes.set(inputPath, input.mimeType)
    const identity = this.options.identity === false ? undefined : createIdentityScorer(input.bytes)
    const results: ReportResult[] = []
    for (const target of this.options.targets) {
      const entry = entries.find((candidate) => candidate.target === target)
      if (entry === undefined) continue
      results.push(await this.resultFor(entry, inputName, identity, callOptions))
    }
    const image: ReportImage = { input: inputPath, source, motion: callOptions.motion ?? this.options.motion, width: input.width ?? null, height: input.height ?? null, results }
    this.images.push(image)
    return image
  }

  /** The report as it stands. */
  document(): ReportDocument {
    return {
      schemaVersion: REPORT_SCHEMA_VERSION,
      generatedAt: (this.options.now?.() ?? new Date()).toISOString(),
      motion: this.options.motion,
      route: this.options.route ?? null,
      targets: [...this.options.targets],
      images: [...this.images],
      summary: summarizeTargets(this.options.targets, this.images),
    }
  }

  /** Writes `report.json` and `report.html` (atomically: a reader never sees half a file). */
  async write(): Promise<WrittenReport> {
    const document = this.document()
    const jsonPath = join(this.options.directory, REPORT_JSON)
    const htmlPath = join(this.options.directory, REPORT_HTML)
    const dataUris = this.options.inline ? await this.dataUris() : undefined
    await writeFileAtomic(jsonPath, new TextEncoder().encode(reportJsonText(document)))
    const html = renderReportHtml(document, { mediaSource: (path) => dataUris?.get(path) ?? relativeHref(path) })
    await writeFileAtomic(htmlPath, new TextEncoder().encode(html))
    return { htmlPath, jsonPath, document }
  }

  private async resultFor(entry: CompareEntry, inputName: string, identity: ReturnType<typeof createIdentityScorer> | undefined, callOptions: AddImageOptions): Promise<ReportResult> {
    const signal = callOptions.signal
    if (!entry.ok || entry.result === undefined) return reportResult(entry, null)
    const output = entry.result.output
    const path = `${MEDIA_FOLDER}/${outputFileName(inputName, entry.target, extensionOf(output.format))}`
    let bytes: Uint8Array
    try {
      // save() streams remote outputs to disk once; the bytes are then read back from the file.
      const destination = join(this.options.directory, path)
      const saved = this.options.recoveryDir
        ? await saveWithRecovery(output, destination, { recoveryDir: this.options.recoveryDir, ...(signal ? { signal } : {}), details: { servedBy: entry.target } })
        : await output.save(destination, signal ? { signal } : {})
      bytes = await readFile(saved.path)
    } catch (error) {
      signal?.throwIfAborted()
      return reportResult(entry, null, toPortraitAnimatorError(error))
    }
    this.mimeTypes.set(path, output.mimeType)
    const { stripImage, ...figures } = await measureOutput(bytes, {
      strip: true,
      ...(identity ? { identity } : {}),
      ...(callOptions.audio ? { audio: callOptions.audio } : {}),
      ...(this.options.maxFrames ? { maxFrames: this.options.maxFrames } : {}),
      ...(this.options.chromium === undefined ? {} : { chromium: this.options.chromium }),
      ...(signal ? { signal } : {}),
    })
    let strip: string | null = null
    if (stripImage) {
      strip = path.replace(/\.[^./]+$/, '') + '-strip.jpg'
      await writeFileAtomic(join(this.options.directory, strip), stripImage, signal ? { signal } : {})
      this.mimeTypes.set(strip, 'image/jpeg')
    }
    const reportOutput: ReportOutput = { path, mimeType: output.mimeType, ...figures, strip }
    return reportResult(entry, reportOutput)
  }

  private async dataUris(): Promise<Map<string, string>> {
    const uris = new Map<string, string>()
    for (const [path, mimeType] of this.mimeTypes) {
      const bytes = await readFile(join(this.options.directory, path))
      uris.set(path, `data:${mimeType};base64,${bytes.toString('base64')}`)
    }
    return uris
  }
}
