import { KeyhouseConfig } from '@keyhouse/config';
import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { EventsRepository } from './events.repository';

const SWEEP_EVERY_MS = 10 * 60_000;
const BATCH_SIZE = 1_000;
/** Bounds one sweep; what is left goes at the next one. */
const MAX_BATCHES_PER_SWEEP = 100;

/**
 * Deletes events older than EVENT_RETENTION_DAYS in small batches (SKIP LOCKED, so several
 * processes sweeping at once share the work), with their deliveries. Runs where the
 * scheduler runs.
 */
@Injectable()
export class EventRetention implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('EventRetention');
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<number>;
  private stopping = false;

  constructor(
    private readonly config: KeyhouseConfig,
    private readonly events: EventsRepository,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), SWEEP_EVERY_MS);
    this.timer.unref();
    void this.sweep();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.sweeping;
  }

  /** One sweep; resolves to how many events were deleted. */
  sweep(): Promise<number> {
    this.sweeping ??= this.runSweep().finally(() => {
      this.sweeping = undefined;
    });
    return this.sweeping;
  }

  private async runSweep(): Promise<number> {
    let deleted = 0;
    try {
      for (let batch = 0; batch < MAX_BATCHES_PER_SWEEP && !this.stopping; batch++) {
        const count = await this.events.sweepOlderThan(
          this.config.events.retentionDays,
          BATCH_SIZE,
        );
        deleted += count;
        if (count < BATCH_SIZE) {
          break;
        }
      }
      if (deleted > 0) {
        this.logger.log({ deleted }, 'swept expired events');
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'event retention sweep failed');
    }
    return deleted;
  }
}
