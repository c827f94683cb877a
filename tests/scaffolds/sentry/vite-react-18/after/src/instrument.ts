import * as Sentry from "@sentry/react";

// Errors and slow pages go to Sentry once VITE_SENTRY_DSN is set (in .env);
// until then nothing is sent anywhere.
const dsn = import.meta.env.VITE_SENTRY_DSN;

Sentry.init({
  dsn,
  enabled: Boolean(dsn),
  environment: import.meta.env.MODE,
  integrations: [Sentry.browserTracingIntegration()],
  tracesSampleRate: 0.1,
});
