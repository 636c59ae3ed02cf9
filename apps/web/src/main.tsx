import { Profiler, StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { LivelineProvider } from '@liveline/ws-client/react';
import { App } from './App';
import { countCommit } from './lib/commitCounter';
import { liveline } from './lib/liveline';
import { resendSavedOps } from './lib/resendSavedOps';
import { takeSavedRefusals } from './lib/saveRefusals';
import { savedBy } from './lib/savedBy';
import { adoptTokenFromUrl, readSession, reloadOnInviteLink } from './lib/session';
import { usePendingOpsStore } from './stores/pendingOpsStore';
import { useSessionStore } from './stores/sessionStore';
import './styles.css';

// A link for another subject is asked about in the page (SwitchSessionQuestion), which meanwhile
// goes on as the session it has.
const question = adoptTokenFromUrl();
const session = readSession();
useSessionStore.setState({ session, question });
// What the user was told of changes not saved, or maybe not, and has not dismissed is told still.
usePendingOpsStore.setState({ refused: takeSavedRefusals(savedBy(session)) });
// Board changes not yet answered when this tab was reloaded or closed are sent again, if made
// under this token's subject; the user is told of any made under another.
resendSavedOps(liveline());
// A new invite link opened in this tab: every connection starts over with its token.
reloadOnInviteLink();

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
