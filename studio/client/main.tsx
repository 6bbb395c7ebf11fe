import '@xyflow/react/dist/style.css';
import './studio.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { FlowPage } from './FlowPage.tsx';
import { FlowsPage } from './FlowsPage.tsx';
import { RunPage } from './RunPage.tsx';
import { EditFlowPage, NewFlowPage } from './edit/EditRoute.tsx';

// The studio's pages, by path: the server sends the same shell for each (studio/routes/pages.ts).
const path = location.pathname;
const flow = /^\/flows\/([^/]+)(\/edit)?$/.exec(path);
const page = flow ? (
  flow[2] ? (
    <EditFlowPage id={decodeURIComponent(flow[1]!)} />
  ) : (
    <FlowPage id={decodeURIComponent(flow[1]!)} />
  )
) : path === '/runs' ? (
  <RunPage />
) : path === '/new' ? (
  <NewFlowPage />
) : (
  <FlowsPage />
);
createRoot(document.getElementById('app')!).render(<StrictMode>{page}</StrictMode>);
