import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GATEWAY_NODE_FLAGS, WORKER_NODE_FLAGS } from './heap-limits';

const ROOT = join(__dirname, '..', '..', '..', '..');

describe('the start commands carry the heap limits', () => {
  it.each([
    ['package.json start', GATEWAY_NODE_FLAGS, () => scripts().start],
    [
      'Dockerfile CMD (the gateway)',
      GATEWAY_NODE_FLAGS,
      () => /^CMD (\[.*\])$/m.exec(read('Dockerfile'))?.[1],
    ],
    ['package.json start:worker', WORKER_NODE_FLAGS, () => scripts()['start:worker']],
    [
      'docker-compose.yml worker command',
      WORKER_NODE_FLAGS,
      () => /worker:[\s\S]*?command: (\[.*\])/.exec(read('docker-compose.yml'))?.[1],
    ],
  ])('%s', (_where, flags, command) => {
    for (const flag of flags) {
      expect(command()).toContain(flag);
    }
  });
});

function scripts(): Record<string, string> {
  return (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
}

function read(file: string): string {
  return readFileSync(join(ROOT, file), 'utf8');
}
