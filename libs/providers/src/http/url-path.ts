/**
 * The path of an absolute URL, without its query: string slicing, since this runs for every
 * call whatever the log level (a URL parse per call showed in the worker's profile).
 */
export function pathOf(url: string): string {
  const afterScheme = url.indexOf('//');
  const start = url.indexOf('/', afterScheme === -1 ? 0 : afterScheme + 2);
  const end = url.search(/[?#]/);
  if (start === -1 || (end !== -1 && end < start)) {
    return '/';
  }
  return url.slice(start, end === -1 ? undefined : end);
}
