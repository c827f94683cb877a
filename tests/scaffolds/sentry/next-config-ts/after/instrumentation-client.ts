import * as Sentry from "@sentry/nextjs";

// Errors in the browser go to Sentry once NEXT_PUBLIC_SENTRY_DSN is set (in
// .env); until then nothing is sent anywhere.
Sentry.init({
  dsn: process.env.NEXT_PUBLIC_SENTRY_DSN,
  enabled: Boolean(process.env.NEXT_PUBLIC_SENTRY_DSN),
  environment: process.env.NODE_ENV,
  tracesSampleRate: 0.1,
});

export const onRouterTransitionStart = Sentry.captureRouterTransitionStart;
