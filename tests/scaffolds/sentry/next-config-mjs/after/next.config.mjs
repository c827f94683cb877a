import { withSentryConfig } from "@sentry/nextjs/config";

/** @type {import('next').NextConfig} */
const nextConfig = {
  images: { unoptimized: true },
};

export default withSentryConfig(nextConfig, { silent: !process.env.CI });
