import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const cluster = globalThis.keyhouseTestCluster;
  if (cluster) {
    await cluster.stop();
    rmSync(cluster.dataDir, { recursive: true, force: true });
  }
}
