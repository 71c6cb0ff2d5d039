/**
 * A fetch for the official client that puts one request on the wire per client call. replicate
 * 1.4.0 retries every 429 (and a GET's 5xx) up to 5 more times by itself, calling fetch again with
 * the same `init`; the router's retry and rate-limit policies must see the first answer instead.
 * So the first response (or network error) for an `init` is remembered and replayed to the
 * client's own retries.
 */
export function singleShotFetch(inner: typeof globalThis.fetch): typeof globalThis.fetch {
  const answers = new WeakMap<object, Promise<Response>>()
  return (input, init) => {
    if (init === undefined) return inner(input)
    let answer = answers.get(init)
    if (answer === undefined) {
      answer = inner(input, init)
      answers.set(init, answer)
      return answer.then((response) => response.clone())
    }
    return answer.then((response) => response.clone())
  }
}
