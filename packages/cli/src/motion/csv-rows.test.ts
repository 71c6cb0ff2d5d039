import { describe, expect, it } from 'vitest'
import { parseCsvRows } from './csv-rows.js'

describe('parseCsvRows', () => {
  it('reads quoted fields with commas, quotes and line breaks, CRLF lines, and skips blank lines', () => {
    expect(parseCsvRows('image,expression\r\nme.jpg,"smile=0.8,yaw=10"\r\n\r\n"a ""b"".jpg","two\nlines"\n')).toEqual([
      ['image', 'expression'],
      ['me.jpg', 'smile=0.8,yaw=10'],
      ['a "b".jpg', 'two\nlines'],
    ])
  })

  it('keeps empty fields and a last line without a newline', () => {
    expect(parseCsvRows('a,,c\nd,e,')).toEqual([
      ['a', '', 'c'],
      ['d', 'e', ''],
    ])
  })

  it('names the line of a quote left open', () => {
    expect(() => parseCsvRows('a,b\nc,"d\n')).toThrow('a quote opened on line 2 is never closed')
  })
})
