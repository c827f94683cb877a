import { withSentryConfig } from '@sentry/nextjs';

export default withSentryConfig({}, { silent: true });
