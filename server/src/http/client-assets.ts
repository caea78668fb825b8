import path from 'node:path';
import express, { type RequestHandler } from 'express';

/**
 * Serves the built web client (client/dist): the precompressed copy the build wrote next to each
 * asset (scripts/client-sizes.mjs: x.js.br, x.js.gz) when the browser accepts it, else the file itself.
 * Files under /assets/ carry a content hash in their name, so a browser keeps them for a year without
 * asking again; everything else (index.html, the app shell) is revalidated on every load, so a deploy
 * takes effect at once and the shell never points at chunks that are gone.
 */
const ENCODINGS = [
  { name: 'br', suffix: '.br' },
  { name: 'gzip', suffix: '.gz' },
] as const;

/** What the build precompresses (scripts/client-sizes.mjs COMPRESSIBLE). */
const COMPRESSIBLE = new Set(['.js', '.mjs', '.css', '.html', '.svg', '.json', '.txt', '.map']);

export const IMMUTABLE = 'public, max-age=31536000, immutable';

export function clientAssets(dist: string): RequestHandler {
  const assetsDir = path.join(dist, 'assets') + path.sep;
  const serve = express.static(dist, {
    index: false,
    redirect: false,
    cacheControl: false,
    setHeaders(res, file) {
      res.setHeader('Cache-Control', file.startsWith(assetsDir) ? IMMUTABLE : 'no-cache');
      const encoding = ENCODINGS.find((e) => file.endsWith(e.suffix));
      if (encoding && res.locals.clientEncoding === encoding.name) {
        // The type of the file inside, not of the .br/.gz wrapper.
        res.type(path.extname(file.slice(0, -encoding.suffix.length)));
        res.setHeader('Content-Encoding', encoding.name);
      }
    },
  });

  return (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !COMPRESSIBLE.has(path.extname(req.path))) {
      serve(req, res, next);
      return;
    }
    res.vary('Accept-Encoding');
    // Brotli first when both are accepted: smaller at the same cost to the browser.
    const accepted = ENCODINGS.filter((e) => req.acceptsEncodings(e.name) === e.name);
    const url = req.url;
    const q = url.indexOf('?');
    const [pathname, search] = q < 0 ? [url, ''] : [url.slice(0, q), url.slice(q)];
    const attempt = (i: number) => {
      const encoding = accepted[i];
      if (!encoding) {
        req.url = url;
        delete res.locals.clientEncoding;
        serve(req, res, next);
        return;
      }
      // A file the build did not compress (too small to gain) falls through to the next encoding.
      req.url = `${pathname}${encoding.suffix}${search}`;
      res.locals.clientEncoding = encoding.name;
      serve(req, res, (err?: unknown) => (err ? next(err) : attempt(i + 1)));
    };
    attempt(0);
  };
}
