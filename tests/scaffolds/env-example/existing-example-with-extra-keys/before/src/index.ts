import express from "express";

const { JWT_SECRET, SMTP_PASS: smtpPassword } = process.env;
const app = express();

app.get("/health", (_req, res) => {
  res.json({ ok: Boolean(JWT_SECRET && smtpPassword), db: Boolean(process.env.DATABASE_URL) });
});

app.listen(Number(process.env.PORT ?? 3000));
