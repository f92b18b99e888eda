import { Public } from '@keyhouse/common';
import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ConsoleAssets } from './console-assets';
import { ConsoleError, ConsoleErrorCode } from './console.errors';

/**
 * What the console needs, and no more: its own scripts, styles and API calls, no inline
 * code, no framing. The gateway may send a stricter policy; it must keep these allowed.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The page shell: no data and no inline script; everything comes from /console/assets and the API. */
const SHELL = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Keyhouse console</title>
<link rel="icon" href="/console/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/console/assets/console.css">
<script defer src="/console/assets/console.js"></script>
</head>
<body>
<div id="app"><p class="boot">Loading the Keyhouse console…</p></div>
<noscript>The Keyhouse console needs JavaScript. The admin API at /docs works without it.</noscript>
</body>
</html>
`;

@ApiExcludeController()
@Public()
@Controller('console')
export class ConsolePagesController {
  constructor(private readonly assets: ConsoleAssets) {}

  @Get('assets/:name')
  async asset(@Param('name') name: string, @Res() reply: FastifyReply): Promise<void> {
    const asset = this.assets.find(name);
    if (!asset) {
      throw new ConsoleError(
        ConsoleErrorCode.AssetNotFound,
        'No such console asset: rebuild with npm run build if the console looks broken',
      );
    }
    await reply
      .header('content-type', asset.contentType)
      .header('cache-control', 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .send(asset.body);
  }

  @Get()
  root(@Res() reply: FastifyReply): Promise<void> {
    return this.shell(reply);
  }

  @Get('*')
  page(@Res() reply: FastifyReply): Promise<void> {
    return this.shell(reply);
  }

  private async shell(reply: FastifyReply): Promise<void> {
    await reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('content-security-policy', CONSOLE_CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .send(SHELL);
  }
}
