import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKER_NODE_FLAGS } from './heap-limit';

const ROOT = join(__dirname, '..', '..', '..');

describe('the worker start command', () => {
  it.each([
    ['package.json start:worker', () => JSON.parse(read('package.json')).scripts['start:worker']],
    [
      'docker-compose.yml worker command',
      () => /worker:[\s\S]*?command: (\[.*\])/.exec(read('docker-compose.yml'))?.[1],
    ],
  ])('%s carries the heap limit', (_where, command) => {
    for (const flag of WORKER_NODE_FLAGS) {
      expect(command()).toContain(flag);
    }
  });
});

function read(file: string): string {
  return readFileSync(join(ROOT, file), 'utf8');
}
