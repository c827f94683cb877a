import { defineConfig } from "drizzle-kit";

// drizzle-kit generate writes migrations from the schema into ./drizzle;
// drizzle-kit migrate applies them to DATABASE_URL.
export default defineConfig({
  schema: "./src/db/schema.ts",
  out: "./drizzle",
  dialect: "postgresql",
  dbCredentials: {
    url: process.env.DATABASE_URL!,
  },
});
