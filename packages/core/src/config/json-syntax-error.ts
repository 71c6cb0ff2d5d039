/** Where a JSON text stops being JSON, and what was expected there, without quoting the text. */
export interface JsonSyntaxProblem {
  /** 1-based line of the first character that is wrong. */
  readonly line: number
  /** 1-based column (in UTF-16 code units) of that character. */
  readonly column: number
  /** What was expected, in words (`a double-quoted property name`), never the text found. */
  readonly expected: string
}

/**
 * Finds the first syntax error in `text`, which `JSON.parse` has refused. Node's own message
 * quotes the characters around the error, and in a config file those are often the API key
 * itself (an unquoted or single-quoted value), so the message built from this one says where and
 * what, never what was found. Returns `undefined` if no error is found (the text is valid JSON).
 */
export function findJsonSyntaxError(text: string): JsonSyntaxProblem | undefined {
  const scanner = new Scanner(text)
  try {
    scanner.value()
    scanner.whitespace()
    if (scanner.offset < text.length) scanner.fail('the end of the document')
    return undefined
  } catch (error) {
    if (!(error instanceof SyntaxProblem)) throw error
    return { ...lineAndColumn(text, error.offset), expected: error.expected }
  }
}

class SyntaxProblem {
  constructor(
    readonly offset: number,
    readonly expected: string,
  ) {}
}

const LITERALS = ['true', 'false', 'null'] as const
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y

class Scanner {
  offset = 0

  constructor(private readonly text: string) {}

  fail(expected: string): never {
    throw new SyntaxProblem(this.offset, expected)
  }

  whitespace(): void {
    while (this.offset < this.text.length && ' \t\n\r'.includes(this.text[this.offset]!)) this.offset += 1
  }

  value(): void {
    this.whitespace()
    const char = this.text[this.offset]
    if (char === '{') return this.object()
    if (char === '[') return this.array()
    if (char === '"') return this.string()
    for (const literal of LITERALS) {
      if (this.text.startsWith(literal, this.offset)) {
        this.offset += literal.length
        return
      }
    }
    NUMBER.lastIndex = this.offset
    if (char !== undefined && NUMBER.test(this.text)) {
      this.offset = NUMBER.lastIndex
      return
    }
    this.fail(char === undefined ? 'a value before the end of the file' : 'a value (a double-quoted string, a number, true, false, null, an object or an array)')
  }

  private object(): void {
    this.offset += 1
    this.whitespace()
    if (this.text[this.offset] === '}') {
      this.offset += 1
      return
    }
    for (;;) {
      this.whitespace()
      if (this.text[this.offset] !== '"') this.fail('a double-quoted property name')
      this.string()
      this.whitespace()
      if (this.text[this.offset] !== ':') this.fail('":" after the property name')
      this.offset += 1
      this.value()
      this.whitespace()
      const next = this.text[this.offset]
      this.offset += 1
      if (next === '}') return
      if (next !== ',') {
        this.offset -= 1
        this.fail('"," or "}"')
      }
    }
  }

  private array(): void {
    this.offset += 1
    this.whitespace()
    if (this.text[this.offset] === ']') {
      this.offset += 1
      return
    }
    for (;;) {
      this.value()
      this.whitespace()
      const next = this.text[this.offset]
      this.offset += 1
      if (next === ']') return
      if (next !== ',') {
        this.offset -= 1
        this.fail('"," or "]"')
      }
    }
  }

  private string(): void {
    this.offset += 1
    for (;;) {
      const char = this.text[this.offset]
      if (char === undefined) this.fail('the closing quote of a string')
      if (char === '"') {
        this.offset += 1
        return
      }
      if (char < ' ') this.fail('no control character (a line break or tab) inside a string')
      if (char === '\\') {
        const escape = this.text[this.offset + 1] ?? ''
        if (escape === 'u' ? !/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.offset + 2, this.offset + 6)) : !'"\\/bfnrt'.includes(escape) || escape === '') {
          this.fail('a valid escape sequence in a string')
        }
        this.offset += escape === 'u' ? 6 : 2
        continue
      }
      this.offset += 1
    }
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1
  let lineStart = 0
  for (let index = 0; index < offset && index < text.length; index += 1) {
    if (text[index] === '\n') {
      line += 1
      lineStart = index + 1
    }
  }
  return { line, column: offset - lineStart + 1 }
}
