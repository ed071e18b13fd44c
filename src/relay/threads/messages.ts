import type { LogFields, Logger } from '../logger';
// Types only from ../metrics: a thread needs none of prom-client, and its bundle then leaves it out
// (175 KB less code to load per thread; ~2 MB of RSS at start, measured).
import type { ForwardFailureReason, ForwarderMetrics } from '../metrics';

/** One ForwarderMetrics call as a message. */
export type ForwarderMetricCall =
  | { readonly name: 'forwardAttempt' }
  | { readonly name: 'forwardSuccess'; readonly value: number }
  | { readonly name: 'forwardFailure'; readonly reason: ForwardFailureReason }
  | { readonly name: 'eventsFailedPermanently'; readonly value: number }
  | { readonly name: 'forwardLatency'; readonly value: number };

/** ForwarderMetrics that hands every call to `send` (the worker side). */
export function forwarderMetricsVia(send: (call: ForwarderMetricCall) => void): ForwarderMetrics {
  return {
    forwardAttempt: () => send({ name: 'forwardAttempt' }),
    forwardSuccess: (value) => send({ name: 'forwardSuccess', value }),
    forwardFailure: (reason) => send({ name: 'forwardFailure', reason }),
    eventsFailedPermanently: (value) => send({ name: 'eventsFailedPermanently', value }),
    forwardLatency: (value) => send({ name: 'forwardLatency', value }),
  };
}

/** Applies a call made on the worker side to the registry (the main-thread side). */
export function applyForwarderMetric(metrics: ForwarderMetrics, call: ForwarderMetricCall): void {
  switch (call.name) {
    case 'forwardAttempt':
      return metrics.forwardAttempt();
    case 'forwardSuccess':
      return metrics.forwardSuccess(call.value);
    case 'forwardFailure':
      return metrics.forwardFailure(call.reason);
    case 'eventsFailedPermanently':
      return metrics.eventsFailedPermanently(call.value);
    case 'forwardLatency':
      return metrics.forwardLatency(call.value);
  }
}

/** What a relay thread reports to the main thread, which owns the metrics registry and the logger. */
export type ThreadReport =
  | { readonly kind: 'metric'; readonly call: ForwarderMetricCall }
  | { readonly kind: 'log'; readonly level: 'info' | 'warn' | 'error'; readonly message: string; readonly fields?: LogFields };

/** A logger whose lines travel to the main thread as ThreadReports. */
export function loggerVia(send: (report: ThreadReport) => void): Logger {
  const log =
    (level: 'info' | 'warn' | 'error') =>
    (message: string, fields?: LogFields): void =>
      send({ kind: 'log', level, message, ...(fields ? { fields } : {}) });
  return { info: log('info'), warn: log('warn'), error: log('error') };
}

/** Applies a thread's report on the main thread. */
export function applyThreadReport(report: ThreadReport, metrics: ForwarderMetrics, logger: Logger): void {
  switch (report.kind) {
    case 'metric':
      return applyForwarderMetric(metrics, report.call);
    case 'log':
      return logger[report.level](report.message, report.fields);
  }
}
