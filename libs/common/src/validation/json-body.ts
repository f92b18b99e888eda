import type { FastifyInstance } from 'fastify';
import { RequestError } from '../errors/request.errors';
import { findUnstorableText } from './unstorable-text';

/**
 * The deepest nesting a body may have. Keyhouse's bodies are at most a few levels deep;
 * without a bound, a 20 KB body of `[[[[...` overflows the stack of every recursive walk
 * after the parser (class-transformer, class-validator) and turns into a 500.
 */
export const MAX_BODY_DEPTH = 32;

/**
 * Replaces Fastify's JSON parser with one that refuses, before anything walks the value,
 * bodies nested deeper than MAX_BODY_DEPTH (counted on the text, without recursion) and
 * strings or keys holding NUL or an unpaired surrogate, which Postgres cannot store as
 * given (a 500, or a value silently altered).
 * Prototype-poisoning keys stay refused, as by Fastify's own parser.
 */
export function registerJsonBodyParser(fastify: FastifyInstance): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (nestingDepth(text) > MAX_BODY_DEPTH) {
      done(
        RequestError.invalid([
          { field: 'body', message: `body must not nest deeper than ${MAX_BODY_DEPTH} levels` },
        ]),
        undefined,
      );
      return;
    }
    void parseJson(request, text, (error, value) => {
      if (error) {
        done(error, undefined);
        return;
      }
      const field = findUnstorableText(value, 'body');
      done(field ? RequestError.unstorableText(field) : null, value);
    });
  });
}

/** The deepest bracket nesting of a JSON text, ignoring brackets inside strings. */
export function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === BACKSLASH) {
        index++;
      } else if (char === QUOTE) {
        inString = false;
      }
    } else if (char === QUOTE) {
      inString = true;
    } else if (char === OPEN_BRACE || char === OPEN_BRACKET) {
      depth++;
      deepest = Math.max(deepest, depth);
    } else if (char === CLOSE_BRACE || char === CLOSE_BRACKET) {
      depth--;
    }
  }
  return deepest;
}

const BACKSLASH = 0x5c;
const QUOTE = 0x22;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
