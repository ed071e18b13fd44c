import { createRoot } from 'react-dom/client';
import '../../shared/styles.css';
import { loadBridge } from '../../shared/bridge';
import { PanelApp } from './PanelApp';

const root = createRoot(document.getElementById('root') as HTMLElement);
loadBridge('panel').then(
  (bridge) => root.render(<PanelApp bridge={bridge} />),
  (error: unknown) => root.render(<p role="alert">Could not connect to Jira: {String(error)}</p>),
);
