import { Profiler, StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { LivelineProvider } from '@liveline/ws-client/react';
import { App } from './App';
import { countCommit } from './lib/commitCounter';
import { liveline } from './lib/liveline';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <Profiler id="app" onRender={countCommit}>
      <LivelineProvider client={liveline()}>
        <App />
      </LivelineProvider>
    </Profiler>
  </StrictMode>,
);
