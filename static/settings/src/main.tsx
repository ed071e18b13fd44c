import { createRoot } from 'react-dom/client';
import '../../shared/styles.css';
import { loadBridge } from '../../shared/bridge';
import { SettingsApp } from './SettingsApp';

const root = createRoot(document.getElementById('root') as HTMLElement);
loadBridge('settings').then(
  (bridge) => root.render(<SettingsApp bridge={bridge} />),
  (error: unknown) => root.render(<p role="alert">Could not connect to Jira: {String(error)}</p>),
);
