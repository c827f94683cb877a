import type { NextConfig } from "next";
import { withSentryConfig } from "@sentry/nextjs/config";

const nextConfig: NextConfig = {
  output: "standalone",
};

export default withSentryConfig(nextConfig, { silent: !process.env.CI });
