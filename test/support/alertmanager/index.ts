/** Harness for end-to-end tests against a real Prometheus Alertmanager (Debian prometheus-alertmanager 0.25). */
export { startAlertmanager, FAST_CLUSTER, type ClusterTimings, type PostableAlert, type RunningAlertmanager, type StartAlertmanagerOptions } from './start';
export { FIXTURE_TIMINGS, renderAlertmanagerConfig, type RouteTimings, type SubRoute } from './config';
export { findAlertmanagerBinary } from './binary';
export { FIXTURE_ALERTS, STEP_ORDER, fixtureAlertSequence, type AlertSequence, type NotificationState, type ScenarioStep, type StepName } from './alert-sequence';
export { notificationState, progression, stateKey, withoutTimes } from './notifications';
export { startWebhookRecorder, type RecordedDelivery, type WebhookRecorder, type WebhookRecorderOptions } from './recorder';
export { runFixtureScenario, type ScenarioOptions, type StepReport } from './scenario';
export { sleep, waitForValue, waitUntil, type WaitOptions } from './wait';
