const { withSentryConfig } = require("@sentry/nextjs/config");

/** @type {import('next').NextConfig} */
module.exports = withSentryConfig({
  reactStrictMode: true,
}, { silent: !process.env.CI });
