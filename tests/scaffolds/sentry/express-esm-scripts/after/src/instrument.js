import "dotenv/config";
import * as Sentry from "@sentry/node";

// Loaded before the app, so Sentry can instrument what it imports. Errors
// go to Sentry once SENTRY_DSN is set (in .env); until then nothing is sent.
Sentry.init({
  dsn: process.env.SENTRY_DSN,
  enabled: Boolean(process.env.SENTRY_DSN),
  environment: process.env.NODE_ENV ?? "development",
  tracesSampleRate: 0.1,
});
