/** Folder of the report holding copies of the input images. */
export const INPUTS_FOLDER = 'inputs'
/** Folder of the report holding the outputs. */
export const MEDIA_FOLDER = 'media'

/**
 * `name` itself, or with `-2`, `-3`, ... before its extension when already in `taken` (two inputs
 * called `me.jpg` from different folders). Adds the result to `taken`.
 */
export function uniqueFileName(name: string, taken: Set<string>): string {
  const dot = name.lastIndexOf('.')
  const stem = dot > 0 ? name.slice(0, dot) : name
  const extension = dot > 0 ? name.slice(dot) : ''
  let candidate = name
  for (let counter = 2; taken.has(candidate.toLowerCase()); counter++) candidate = `${stem}-${counter}${extension}`
  taken.add(candidate.toLowerCase())
  return candidate
}

/**
 * The file name of one target's output for one input: `<input stem>-<target>.<extension>`, e.g.
 * `astronaut-fal-live-portrait.mp4`. The input name is already safe (from `loadMedia`).
 */
export function outputFileName(inputFileName: string, target: string, extension: string): string {
  const dot = inputFileName.lastIndexOf('.')
  const stem = dot > 0 ? inputFileName.slice(0, dot) : inputFileName
  const slug = target.replace(/[^A-Za-z0-9._-]+/g, '-')
  return `${stem}-${slug}.${extension.replace(/[^A-Za-z0-9]/g, '') || 'bin'}`
}
