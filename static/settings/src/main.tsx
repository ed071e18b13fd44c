import { createRoot } from 'react-dom/client';
import '../../shared/styles.css';
import { loadBridge } from '../../shared/bridge';
import { labelTableCells } from '../../shared/stacked-tables';
import { SettingsApp } from './SettingsApp';

const container = document.getElementById('root') as HTMLElement;
labelTableCells(container);
const root = createRoot(container);
loadBridge('settings').then(
  (bridge) => root.render(<SettingsApp bridge={bridge} />),
  (error: unknown) => root.render(<p role="alert">Could not connect to Jira: {String(error)}</p>),
);
