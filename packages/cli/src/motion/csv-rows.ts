/**
 * Parses CSV text (RFC 4180: comma-separated, `"` quotes a field that holds commas, quotes or line
 * breaks, `""` is a quote inside one) into rows of fields. Blank lines are skipped.
 *
 * @throws SyntaxError for a quote left open, naming its line.
 * @example
 * ```ts
 * parseCsvRows('image,expression\nme.jpg,"smile=0.8,yaw=10"\n')
 * // [['image', 'expression'], ['me.jpg', 'smile=0.8,yaw=10']]
 * ```
 */
export function parseCsvRows(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  let line = 1
  let quoteLine = 0
  const endRow = () => {
    row.push(field)
    if (row.length > 1 || row[0]!.trim() !== '') rows.push(row)
    row = []
    field = ''
  }
  for (let index = 0; index < text.length; index++) {
    const character = text[index]!
    if (quoted) {
      if (character === '"' && text[index + 1] === '"') {
        field += '"'
        index++
      } else if (character === '"') quoted = false
      else {
        if (character === '\n') line++
        field += character
      }
    } else if (character === '"') {
      quoted = true
      quoteLine = line
    } else if (character === ',') {
      row.push(field)
      field = ''
    } else if (character === '\n' || character === '\r') {
      if (character === '\r' && text[index + 1] === '\n') index++
      endRow()
      line++
    } else field += character
  }
  if (quoted) throw new SyntaxError(`a quote opened on line ${quoteLine} is never closed`)
  if (field !== '' || row.length > 0) endRow()
  return rows
}
