import './instrument';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import App from './App';
import * as Sentry from '@sentry/react';

createRoot(document.getElementById('root')!).render(
  <Sentry.ErrorBoundary fallback={<p>Something went wrong. Please reload the page.</p>}>
    <StrictMode>
      <App />
    </StrictMode>
  </Sentry.ErrorBoundary>
);
