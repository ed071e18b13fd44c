import { createRoot } from 'react-dom/client';
import '../../shared/styles.css';
import { loadBridge } from '../../shared/bridge';
import { labelTableCells } from '../../shared/stacked-tables';
import { PanelApp } from './PanelApp';

const container = document.getElementById('root') as HTMLElement;
labelTableCells(container);
const root = createRoot(container);
loadBridge('panel').then(
  (bridge) => root.render(<PanelApp bridge={bridge} />),
  (error: unknown) => root.render(<p role="alert">Could not connect to Jira: {String(error)}</p>),
);
