import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export interface ConsoleAsset {
  readonly body: Buffer;
  readonly contentType: string;
}

/**
 * The console's bundled script and styles (built by `npm run build` into dist/console/assets),
 * read once at start. Only files found there are served: a request names one of them or 404s.
 */
@Injectable()
export class ConsoleAssets implements OnModuleInit {
  private readonly logger = new Logger('ConsoleAssets');
  private readonly assets = new Map<string, ConsoleAsset>();

  onModuleInit(): void {
    const directory = join(projectRoot(__dirname), 'dist', 'console', 'assets');
    if (!existsSync(directory)) {
      this.logger.warn({ directory }, 'console assets are missing: run npm run build');
      return;
    }
    for (const name of readdirSync(directory)) {
      const contentType = CONTENT_TYPES[extname(name)];
      if (contentType) {
        this.assets.set(name, { body: readFileSync(join(directory, name)), contentType });
      }
    }
  }

  find(name: string): ConsoleAsset | undefined {
    return this.assets.get(name);
  }
}

/** The directory holding package.json: the same from dist/ and from the sources (tests). */
function projectRoot(start: string): string {
  let directory = start;
  for (let depth = 0; depth < 10; depth++) {
    if (existsSync(join(directory, 'package.json'))) {
      return directory;
    }
    directory = dirname(directory);
  }
  return process.cwd();
}
