import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** This process's name on the leases it takes: host, pid and a random suffix (≤ 64 chars). */
export class LeaseOwner {
  readonly id = `${hostname().slice(0, 40)}:${process.pid}:${randomBytes(3).toString('hex')}`;
}
