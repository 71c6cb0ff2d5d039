import { describe, expect, it } from 'vitest'
import { findJsonSyntaxError } from './json-syntax-error.js'

describe('findJsonSyntaxError', () => {
  it.each([
    ['{ "apiKey": sk-live-SECRET123 }', 1, 13, 'a value'],
    ["{ 'apiKey': 'x' }", 1, 3, 'a double-quoted property name'],
    ['{\n  "a": 1,\n  "b": 2,\n}', 4, 1, 'a double-quoted property name'],
    ['{\n  "a": 1\n  "b": 2\n}', 3, 3, '"," or "}"'],
    ['[1, 2 3]', 1, 7, '"," or "]"'],
    ['{ "a" 1 }', 1, 7, '":"'],
    ['{ "a": "abc', 1, 12, 'the closing quote'],
    ['{ "a": "a\tb" }', 1, 10, 'no control character'],
    ['{ "a": "\\x" }', 1, 9, 'a valid escape sequence'],
    ['{ "a": 01 }', 1, 9, '"," or "}"'],
    ['{ "a": tru }', 1, 8, 'a value'],
    ['', 1, 1, 'a value before the end of the file'],
    ['{ "a": 1 } x', 1, 12, 'the end of the document'],
    ['\r\n\r\n  {"a": }', 3, 9, 'a value'],
  ])('finds the error in %j at line %i, column %i', (text, line, column, expected) => {
    expect(() => JSON.parse(text)).toThrow(SyntaxError)
    const problem = findJsonSyntaxError(text)
    expect(problem).toMatchObject({ line, column })
    expect(problem?.expected).toContain(expected)
  })

  it.each(['{}', '[]', '{ "a": [1, -2.5e3, true, false, null, "\\u00e9\\n"], "b": { "c": "" } }', ' "x" '])('finds none in valid JSON %j', (text) => {
    expect(() => JSON.parse(text)).not.toThrow()
    expect(findJsonSyntaxError(text)).toBeUndefined()
  })
})
