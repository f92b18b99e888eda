import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { h } from './dom';
import { colourOf } from './ui';

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Legend,
  Tooltip,
);
Chart.defaults.font.family = getComputedStyle(document.documentElement).fontFamily;
Chart.defaults.animation = false;

export interface RefreshMinute {
  readonly at: string;
  readonly succeeded: number;
  readonly retrying: number;
  readonly failed: number;
  readonly latenessAvgSeconds: number | null;
  readonly latenessMaxSeconds: number | null;
}

const STATUSES = ['active', 'needs_reauth', 'expired', 'revoked'];
const charts = new Set<Chart>();

/** Charts of the previous page are destroyed before a new page draws its own. */
export function destroyCharts(): void {
  charts.forEach((chart) => chart.destroy());
  charts.clear();
}

function chartBox(label: string, config: ChartConfiguration): HTMLElement {
  const canvas = h('canvas', { role: 'img', 'aria-label': label });
  const box = h('div', { class: 'chart' }, canvas);
  // Drawn once the box is in the page, so Chart.js can measure it.
  requestAnimationFrame(() => charts.add(new Chart(canvas, config)));
  return box;
}

export function credentialsByProvider(counts: Record<string, Record<string, number>>): HTMLElement {
  const providers = Object.keys(counts).sort();
  return chartBox('Credentials by provider and status', {
    type: 'bar',
    data: {
      labels: providers,
      datasets: STATUSES.map((status) => ({
        label: status.replace('_', ' '),
        data: providers.map((provider) => counts[provider]?.[status] ?? 0),
        backgroundColor: colourOf(status),
      })),
    },
    options: {
      maintainAspectRatio: false,
      indexAxis: 'y',
      scales: { x: { stacked: true, beginAtZero: true }, y: { stacked: true } },
    },
  });
}

function minuteLabel(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

export function refreshesPerMinute(buckets: readonly RefreshMinute[]): HTMLElement {
  const outcomes = ['succeeded', 'retrying', 'failed'] as const;
  return chartBox('Refreshes per minute by outcome', {
    type: 'bar',
    data: {
      labels: buckets.map((bucket) => minuteLabel(bucket.at)),
      datasets: outcomes.map((outcome) => ({
        label: outcome,
        data: buckets.map((bucket) => bucket[outcome]),
        backgroundColor: colourOf(outcome),
        barPercentage: 1,
        categoryPercentage: 1,
      })),
    },
    options: {
      maintainAspectRatio: false,
      scales: {
        x: { stacked: true, ticks: { maxTicksLimit: 12 } },
        y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
      },
    },
  });
}

export function lateness(buckets: readonly RefreshMinute[]): HTMLElement {
  return chartBox('Refresh lateness in seconds', {
    type: 'line',
    data: {
      labels: buckets.map((bucket) => minuteLabel(bucket.at)),
      datasets: [
        {
          label: 'worst (s)',
          data: buckets.map((bucket) => bucket.latenessMaxSeconds),
          borderColor: colourOf('retrying'),
          backgroundColor: colourOf('retrying'),
          spanGaps: true,
          pointRadius: 0,
        },
        {
          label: 'mean (s)',
          data: buckets.map((bucket) => bucket.latenessAvgSeconds),
          borderColor: colourOf('other'),
          backgroundColor: colourOf('other'),
          spanGaps: true,
          pointRadius: 0,
        },
      ],
    },
    options: {
      maintainAspectRatio: false,
      scales: { x: { ticks: { maxTicksLimit: 12 } }, y: { beginAtZero: true } },
    },
  });
}
